import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../src/config/project-root.js';
import { provincesOption } from '../provinces/provinces-option.js';

export const configSchema = z.object({
  /** The folder that keeps the connection's uploaded workbooks (`lgsp upload` copies them there). */
  inbox: z.string().trim().min(1, 'give the inbox folder, e.g. "data/inbox/so-khcn"'),
  /**
   * Current provinces whose rows the connection loads; rows of other provinces and national rows are left out
   * (several provinces' connections may read one inbox). Left out: every row.
   */
  provinces: provincesOption.optional(),
});

export type SpreadsheetConfig = z.infer<typeof configSchema>;

/** The inbox as an absolute path: a relative one is read from the project root, wherever the process runs. */
export const inboxPath = (config: SpreadsheetConfig): string => (isAbsolute(config.inbox) ? config.inbox : resolve(projectRoot, config.inbox));
