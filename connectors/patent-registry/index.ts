import { defineConnector } from '../../src/connector-sdk/types.js';
import { registryClient } from './client.js';
import { configSchema } from './config.js';
import { normaliseApplication } from './normalise.js';
import { applicationsPath, readApplications } from './read.js';
import { parseSearchResult } from './search-result.js';

/** IP Vietnam (Cục Sở hữu trí tuệ) industrial-property applications: patents and utility solutions by province. */
export default defineConnector({
  id: 'patent-registry',
  description: 'IP Vietnam patent and utility-solution applications (WIPO-Publish-style XML): PATENT_APPLICATIONS, PATENT_GRANTS',
  configSchema,
  secrets: [],
  async check(ctx) {
    const xml = await registryClient(ctx).getText(applicationsPath, { params: { kind: ctx.config.kinds.join(','), limit: 1 }, headers: { accept: 'application/xml' } });
    const page = parseSearchResult(xml);
    return { ok: true, message: `reached ${ctx.config.baseUrl}: ${page.total ?? 'an unknown number of'} applications of kinds ${ctx.config.kinds.join(', ')}` };
  },
  streams: [{ name: 'applications', read: readApplications, normalise: normaliseApplication }],
});
