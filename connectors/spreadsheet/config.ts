import { z } from 'zod';
import { inboxNameProblem, locateInbox } from '../../src/boundary/inbox.js';
import type { BoundaryConfig } from '../../src/config/env.js';
import { provincesOption } from '../provinces/provinces-option.js';

export const configSchema = z.object({
  /**
   * The folder that keeps the connection's uploaded workbooks (`lgsp upload` copies them there): a folder under
   * the host's inbox root (LGSP_INBOX_ROOT), written relative to it.
   */
  inbox: z
    .string()
    .trim()
    .min(1, 'give the inbox folder under the inbox root, e.g. "so-khcn"')
    .superRefine((inbox, ctx) => {
      const problem = inboxNameProblem(inbox);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `the inbox ${problem}: give a folder under the inbox root of this host (LGSP_INBOX_ROOT), relative to it, e.g. "so-khcn"` });
    }),
  /**
   * Current provinces whose rows the connection loads; rows of other provinces and national rows are left out
   * (several provinces' connections may read one inbox). Left out: every row.
   */
  provinces: provincesOption.optional(),
});

export type SpreadsheetConfig = z.infer<typeof configSchema>;

/** The inbox as an absolute path under the host's inbox root; refused (INBOX_OUTSIDE_ROOT) when it leads out of it. */
export const inboxPath = (config: SpreadsheetConfig, boundary: BoundaryConfig): Promise<string> => locateInbox(config.inbox, boundary.inboxRoot);
