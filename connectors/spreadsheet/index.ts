import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { defineConnector } from '../../src/connector-sdk/types.js';
import { configSchema, inboxPath } from './config.js';
import { listWorkbooks } from './inbox.js';
import { workbooks } from './stream.js';

/** Workbooks that departments fill in from the template for the indicators no system publishes (sources.md, section 5). */
export default defineConnector({
  id: 'spreadsheet',
  description: 'Sở/ban ngành: steward-uploaded Excel workbooks (sheet "Số liệu") for indicators no system publishes (PII, HDI, R&D personnel, budget shares ...)',
  configSchema,
  secrets: [],
  async check(ctx) {
    // Outside the root, this throws before anything is looked at: the check describes no folder out there.
    const inbox = await inboxPath(ctx.config, ctx.boundary);
    try {
      if (!(await stat(inbox)).isDirectory()) return { ok: false, message: `the inbox ${inbox} is a file, not a folder` };
      await access(inbox, constants.R_OK | constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { ok: false, message: `the inbox ${inbox} cannot be read (${code}): create the folder or fix its permissions` };
    }
    const files = await listWorkbooks(inbox);
    return { ok: true, message: `the inbox ${inbox} is readable: ${files.length} workbook(s)` };
  },
  streams: [workbooks],
});
