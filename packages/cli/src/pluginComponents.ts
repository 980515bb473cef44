import type { ComponentManifest } from '@fedtune/core/components';

/** What one installed plugin adds, for `fedtune list`. */
export interface PluginComponents {
  components: ComponentManifest;
  /** Architectures base files can name that the plugin registers. */
  architectures: string[];
  /** Hugging Face classes the plugin teaches the loader. */
  huggingFaceClasses: string[];
}
