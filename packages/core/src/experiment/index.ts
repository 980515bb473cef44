export * from './schema.js';
export { readExperimentFile, parseExperiment, type ExperimentFile } from './load.js';
export { experimentJsonSchema, type JsonSchemaNode } from './jsonSchema.js';
export { experimentFields, type ExperimentField } from './fieldGuide.js';
