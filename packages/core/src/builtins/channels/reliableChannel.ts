import type { Channel } from '../../contracts/channel.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { NO_OPTIONS, parseOptions } from '../options.js';

/** A perfect link: every upload arrives. */
export const reliableChannelFactory: NamedFactory<Channel> = {
  name: 'reliable',
  plugin: '@fedtune/core',
  description: 'every upload arrives',
  optionsSchema: NO_OPTIONS,
  create: (options) => {
    parseOptions('channel reliable', NO_OPTIONS, options);
    return { name: 'reliable', delivers: () => true };
  },
};
