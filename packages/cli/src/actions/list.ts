import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { coreArchitectures, coreComponents, optionsJsonSchema, type ComponentDescription } from '@fedtune/core/components';
import { describeSchemaNode, type JsonSchemaNode } from '@fedtune/core/light';
import { componentListText } from '../componentListText.js';
import type { ComponentListing, ListedComponent, ListedKind, ListedOption } from '../componentListing.js';
import { CONTRACT_KINDS, ContractComponentTable, type ContractKind } from '../contractComponentTable.js';
import { installedPluginComponents } from '../installedPluginComponents.js';
import type { CliIo } from '../io.js';
import type { PluginComponents } from '../pluginComponents.js';
import { findInstalledPlugins, type InstalledPlugin } from '../pluginDiscovery.js';

/** Options of `fedtune list`, as commander parses them. */
export interface ListCommandOptions {
  json?: boolean;
}

const CORE = '@fedtune/core';

/** Where each contract kind is named in an experiment file. */
const CONTRACT_FIELDS: Record<ContractKind, string> = {
  backend: 'backend',
  adapter: 'adapter.name',
  compressor: 'compressor',
  selector: 'selector',
  aggregator: 'aggregator',
  channel: 'channel',
};

/** Prints every component of core and of every installed plugin, as a table or (`--json`) as JSON. */
export async function listCommand(options: ListCommandOptions, io: CliIo): Promise<void> {
  const listing = await listComponents([process.cwd(), fileURLToPath(new URL('../..', import.meta.url))]);
  io.stdout.write(options.json === true ? `${JSON.stringify(listing, null, 2)}\n` : componentListText(listing));
}

/**
 * Lists what core and every fedtune plugin installed where Node resolves packages from `folders`
 * (see {@link findInstalledPlugins}) provide. Core's components come from its component manifest
 * and each plugin's from `componentsOf` (by default its manifest, or its entry when it ships none),
 * so listing loads neither tfjs nor core's engine unless a plugin without a manifest needs them. A
 * plugin that fails to load, or whose names are taken, is reported in `failed`, and the others are
 * still listed.
 */
export async function listComponents(
  folders: readonly string[],
  componentsOf: (installed: InstalledPlugin) => Promise<PluginComponents> = installedPluginComponents,
): Promise<ComponentListing> {
  const contracts = new ContractComponentTable();
  contracts.addAll(coreComponents);
  const architectures = new Map<string, string>(coreArchitectures.baseFiles.map((name) => [name, CORE]));
  const hfClasses = new Map<string, string>(coreArchitectures.huggingFaceClasses.map((name) => [name, CORE]));
  const listing: ComponentListing = { plugins: [], failed: [], kinds: [] };
  for (const installed of findInstalledPlugins(folders)) {
    try {
      const provided = await componentsOf(installed);
      contracts.addAll(provided.components);
      for (const name of provided.architectures) if (!architectures.has(name)) architectures.set(name, installed.name);
      for (const name of provided.huggingFaceClasses) if (!hfClasses.has(name)) hfClasses.set(name, installed.name);
      listing.plugins.push({ name: installed.name, version: installed.version });
    } catch (error) {
      listing.failed.push({ name: installed.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  listing.kinds = [
    ...CONTRACT_KINDS.map((kind) => ({
      kind,
      field: CONTRACT_FIELDS[kind],
      components: contracts.componentsOf(kind).map(listedComponent),
    })),
    ...dataKinds(),
    {
      kind: 'architecture',
      field: 'model.architecture',
      components: sortedByName([
        ...[...architectures].map(([name, from]) => ({ name, from, description: 'a fedtune base file', options: [] })),
        ...[...hfClasses].map(([name, from]) => ({
          name,
          from,
          description: 'a Hugging Face model folder whose config.json names this class',
          options: [],
        })),
      ]),
    },
  ];
  return listing;
}

function listedComponent(component: ComponentDescription): ListedComponent {
  return {
    name: component.name,
    from: component.plugin,
    ...(component.description === undefined ? {} : { description: component.description }),
    options: component.optionsSchema === undefined ? null : optionsOf(optionsJsonSchema(component.optionsSchema)),
  };
}

/**
 * Datasets and partitions, which core alone provides, from the experiment file's JSON Schema as
 * core publishes it (generated from its zod schema, and checked against it by core's tests).
 */
function dataKinds(): ListedKind[] {
  const schema = createRequire(import.meta.url)('@fedtune/core/experiment.schema.json') as JsonSchemaNode;
  const data = schema.properties?.data?.properties ?? {};
  const datasets = (data.dataset?.enum ?? []).map(String);
  const partitions = data.partition?.oneOf ?? data.partition?.anyOf ?? [];
  return [
    {
      kind: 'dataset',
      field: 'data.dataset',
      components: sortedByName(datasets.map((name) => ({ name, from: CORE, options: [] }))),
    },
    {
      kind: 'partition',
      field: 'data.partition.kind',
      components: sortedByName(
        partitions.map((variant) => ({
          name: String(variant.properties?.kind?.const),
          from: CORE,
          options: optionsOf(variant, 'kind'),
        })),
      ),
    },
  ];
}

/** The fields of an object schema as options; `except` is the field that names the component. */
function optionsOf(node: JsonSchemaNode, except?: string): ListedOption[] {
  return Object.entries(node.properties ?? {})
    .filter(([name]) => name !== except)
    .map(([name, field]) => ({
      name,
      type: describeSchemaNode(field),
      required: node.required?.includes(name) ?? false,
      ...(field.default === undefined ? {} : { default: field.default }),
      ...(field.description === undefined ? {} : { description: field.description }),
    }));
}

function sortedByName(components: ListedComponent[]): ListedComponent[] {
  return components.sort((a, b) => a.name.localeCompare(b.name));
}
