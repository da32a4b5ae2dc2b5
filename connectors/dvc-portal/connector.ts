import { defineConnector } from '../../src/connector-sdk/types.js';
import { SourceError } from '../../src/errors.js';
import { normaliseCatalogueItem } from './catalogue-normaliser.js';
import { cataloguePath, readCatalogue } from './catalogue-stream.js';
import { configSchema, secretNames } from './config.js';
import { parseEnvelope } from './envelope.js';
import { portalClient } from './http.js';
import { normaliseReportRow } from './report-normaliser.js';
import { readReport } from './report-stream.js';

/** The provincial administrative-procedure system (Hệ thống thông tin giải quyết TTHC). See README.md. */
export default defineConnector({
  id: 'dvc-portal',
  description: 'Hệ thống thông tin giải quyết TTHC: monthly dossier report and procedure catalogue (DVC_* indicators)',
  configSchema,
  secrets: secretNames,
  async check(ctx) {
    try {
      // A token and one small page prove the URL, the credentials and the API version at once.
      const page = await portalClient(ctx).getJson(cataloguePath, { params: { page: 0, size: 1 }, parse: parseEnvelope });
      return { ok: true, message: `reached ${ctx.config.baseUrl}, authenticated as ${ctx.config.clientId}; the catalogue has ${page.totalPages} item(s)` };
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, message: error.message };
      throw error;
    }
  },
  streams: [
    { name: 'dossier-report', read: readReport, normalise: normaliseReportRow },
    { name: 'procedure-catalogue', read: readCatalogue, normalise: normaliseCatalogueItem },
  ],
});
