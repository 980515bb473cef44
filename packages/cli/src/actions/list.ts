import { fileURLToPath } from 'node:url';
import {
  architectureNames,
  createFedtuneContainer,
  listNamed,
  loadPlugins,
  describeSchemaNode,
  experimentJsonSchema,
  optionsJsonSchema,
  supportedHfClassNames,
  type ContractKind,
  type JsonSchemaNode,
  type NamedFactory,
} from '@fedtune/core';
import { componentListText } from '../componentListText.js';
import type { ComponentListing, ListedComponent, ListedKind, ListedOption } from '../componentListing.js';
import type { CliIo } from '../io.js';
import { findInstalledPlugins } from '../pluginDiscovery.js';

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
 * Loads every fedtune plugin installed where Node resolves packages from `folders` (see
 * {@link findInstalledPlugins}) and lists what core and each plugin provide. A plugin that fails to
 * load is reported in `failed`, and the others are still listed.
 */
export async function listComponents(folders: readonly string[]): Promise<ComponentListing> {
  const container = createFedtuneContainer();
  const architectures = new Map(architectureNames().map((name) => [name, CORE]));
  const hfClasses = new Map(supportedHfClassNames().map((name) => [name, CORE]));
  const listing: ComponentListing = { plugins: [], failed: [], kinds: [] };
  for (const installed of findInstalledPlugins(folders)) {
    try {
      const [plugin] = await loadPlugins(container, [installed.name], { resolveFrom: installed.resolveFrom });
      listing.plugins.push({ name: installed.name, version: plugin?.version ?? installed.version });
    } catch (error) {
      listing.failed.push({ name: installed.name, error: error instanceof Error ? error.message : String(error) });
    }
    // Architectures register themselves when their module loads: the new names are this plugin's.
    for (const name of architectureNames()) if (!architectures.has(name)) architectures.set(name, installed.name);
    for (const name of supportedHfClassNames()) if (!hfClasses.has(name)) hfClasses.set(name, installed.name);
  }
  const contractKinds = Object.keys(CONTRACT_FIELDS) as ContractKind[];
  listing.kinds = [
    ...contractKinds.map((kind) => ({
      kind,
      field: CONTRACT_FIELDS[kind],
      components: listNamed(container, kind).map(factoryComponent),
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

function factoryComponent(factory: NamedFactory<unknown>): ListedComponent {
  return {
    name: factory.name,
    from: factory.plugin,
    ...(factory.description === undefined ? {} : { description: factory.description }),
    options: factory.optionsSchema === undefined ? null : optionsOf(optionsJsonSchema(factory.optionsSchema)),
  };
}

/** Datasets and partitions, which core alone provides, from the experiment file's schema. */
function dataKinds(): ListedKind[] {
  const data = experimentJsonSchema().properties?.data?.properties ?? {};
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
