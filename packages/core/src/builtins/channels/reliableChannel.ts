import { z } from 'zod';
import type { Channel } from '../../contracts/channel.js';
import type { NamedFactory } from '../../contracts/tokens.js';
import { parseOptions } from '../options.js';

/** A perfect link: every upload arrives. */
export const reliableChannelFactory: NamedFactory<Channel> = {
  name: 'reliable',
  plugin: '@fedtune/core',
  create: (options) => {
    parseOptions('channel reliable', z.strictObject({}), options);
    return { name: 'reliable', delivers: () => true };
  },
};
