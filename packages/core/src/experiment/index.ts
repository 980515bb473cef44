export * from './schema.js';
export { readExperimentFile, parseExperiment, type ExperimentEdit, type ExperimentFile } from './load.js';
export { experimentJsonSchema, type JsonSchemaNode } from './jsonSchema.js';
export { experimentFields, type ExperimentField } from './fieldGuide.js';
export { assertModelMatchesBase } from './modelMatchesBase.js';
export { optionsJsonSchema } from './optionsJsonSchema.js';
export { schemaFields } from './schemaFields.js';
export { describeSchemaNode } from './describeSchema.js';
