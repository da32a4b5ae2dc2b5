import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../src/connector-sdk/types.js';
import { normaliseApplication } from './normalise.js';
import { applicationKey } from './record-key.js';
import { parseSearchResult } from './search-result.js';

/** A page as another implementation of the contract might send it: prefixed namespace, one Application, extras. */
const prefixed = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<ip:SearchResult xmlns:ip="urn:vn:ipvietnam:publish:1" xmlns:x="urn:example:extra" total="1">
  <ip:Application status-history="3">
    <ip:ApplicationNumber> 2-2025-00042 </ip:ApplicationNumber>
    <ip:FilingDate>2025-08-04</ip:FilingDate>
    <ip:Title lang="vi">Máy &amp; thiết bị</ip:Title>
    <ip:Applicants>
      <ip:Applicant><ip:Name>ACME Corp.</ip:Name><ip:Address>Tokyo</ip:Address><ip:Country>JP</ip:Country></ip:Applicant>
      <ip:Applicant><ip:Name>Công ty A</ip:Name><ip:Address>phường Rạch Giá, tỉnh An Giang</ip:Address><ip:Country>vn</ip:Country></ip:Applicant>
      <ip:Applicant><ip:Name>Công ty B</ip:Name><ip:Address>Hà Nội</ip:Address><ip:Country>VN</ip:Country></ip:Applicant>
    </ip:Applicants>
    <ip:Classifications><ip:IPC>A01G 25/02</ip:IPC></ip:Classifications>
    <x:Inventors><x:Inventor>Nguyễn A</x:Inventor></x:Inventors>
    <ip:Status>GRANTED</ip:Status>
    <ip:Grant><ip:Number>2-0001234</ip:Number><ip:Date>2026-01-15</ip:Date></ip:Grant>
    <ip:LastModified>2026-01-15T10:00:00+07:00</ip:LastModified>
  </ip:Application>
</ip:SearchResult>`;

const record = (data: SourceRecord['data']): SourceRecord => ({ key: applicationKey(data), data });

describe('patent-registry: parsing what the contract allows', () => {
  it('reads a prefixed namespace, a single Application, several applicants, attributes and unknown elements', () => {
    const page = parseSearchResult(prefixed);
    expect(page.total).toBe(1);
    expect(page.nextCursor).toBeUndefined();
    expect(page.applications).toHaveLength(1);
    const [app] = page.applications;
    if (app === undefined) throw new Error('no application');
    expect(applicationKey(app)).toBe('2-2025-00042');
    expect(app).toMatchObject({ Title: { '#text': 'Máy & thiết bị', '@_lang': 'vi' }, Inventors: { Inventor: 'Nguyễn A' }, '@_status-history': '3' });
    // No Kind: the number says utility solution. The first Vietnamese applicant (Country vn) decides the province.
    expect(normaliseApplication(record(app))).toEqual({
      observations: [
        { indicator: 'PATENT_APPLICATIONS', unit: { address: 'phường Rạch Giá, tỉnh An Giang', level: 'province', asOf: '2025-08-04' }, period: '2025', value: 1 },
        { indicator: 'PATENT_GRANTS', unit: { address: 'phường Rạch Giá, tỉnh An Giang', level: 'province', writtenOn: '2025-08-04', asOf: '2026-01-15' }, period: '2026', value: 1 },
      ],
    });
  });

  it('reads a default namespace with nextCursor, several applications and none at all', () => {
    const two = parseSearchResult(
      `<SearchResult xmlns="urn:vn:ipvietnam:publish:1" total="1532" nextCursor="eyJvIjoyMDB9"><Application><ApplicationNumber>1-2024-01234</ApplicationNumber></Application><Application/></SearchResult>`,
    );
    expect([two.total, two.nextCursor, two.applications.length]).toEqual([1532, 'eyJvIjoyMDB9', 2]);
    expect(parseSearchResult('<SearchResult xmlns="urn:vn:ipvietnam:publish:1" total="0"/>')).toEqual({ total: 0, nextCursor: undefined, applications: [] });
    expect(parseSearchResult('<SearchResult></SearchResult>').applications).toEqual([]);
  });

  it('refuses a body that is not a SearchResult', () => {
    expect(() => parseSearchResult('<Error><Code>X</Code></Error>')).toThrow(/does not end with <\/SearchResult>/);
    expect(() => parseSearchResult('<SearchResult><Application><ApplicationNumber>1-2024-0')).toThrow(/cut short/);
  });
});

describe('patent-registry: the normaliser', () => {
  const app = (fields: string) => {
    const [parsed] = parseSearchResult(`<SearchResult xmlns="urn:vn:ipvietnam:publish:1"><Application>${fields}</Application></SearchResult>`).applications;
    if (parsed === undefined) throw new Error('no application');
    return normaliseApplication(record(parsed));
  };
  const vn = '<Applicants><Applicant><Name>A</Name><Address>tp Can Tho</Address><Country>VN</Country></Applicant></Applicants>';

  it('counts refused and withdrawn applications as filed; a foreign-only application counts nowhere', () => {
    for (const status of ['REFUSED', 'WITHDRAWN', 'FILED', 'PUBLISHED']) {
      expect(app(`<ApplicationNumber>1-2023-00001</ApplicationNumber><FilingDate>2023-02-01</FilingDate>${vn}<Status>${status}</Status>`)).toMatchObject({
        observations: [{ indicator: 'PATENT_APPLICATIONS', period: '2023', value: 1 }],
      });
    }
    const foreign = '<Applicants><Applicant><Name>X</Name><Address>Osaka</Address><Country>JP</Country></Applicant></Applicants>';
    expect(app(`<ApplicationNumber>1-2023-00002</ApplicationNumber><FilingDate>2023-02-01</FilingDate>${foreign}<Status>FILED</Status>`)).toEqual({ observations: [] });
    // A grant element without the GRANTED status is not a grant.
    expect(app(`<ApplicationNumber>1-2023-00003</ApplicationNumber><FilingDate>2023-02-01</FilingDate>${vn}<Status>PUBLISHED</Status><Grant><Date>2024-01-01</Date></Grant>`)).toMatchObject({
      observations: [{ indicator: 'PATENT_APPLICATIONS' }],
    });
  });

  it('rejects what cannot be counted, saying why', () => {
    const reasons = [
      app(`<FilingDate>2023-02-01</FilingDate>${vn}`),
      app(`<ApplicationNumber>3-2023-00001</ApplicationNumber><FilingDate>2023-02-01</FilingDate>${vn}`),
      app(`<ApplicationNumber>1-2023-00001</ApplicationNumber><FilingDate>01/02/2023</FilingDate>${vn}`),
      app(`<ApplicationNumber>1-2023-00001</ApplicationNumber><FilingDate>2023-02-01</FilingDate>${vn}<Status>GRANTED</Status><Grant><Date>2022-13-01</Date></Grant>`),
      app(`<ApplicationNumber>1-2023-00001</ApplicationNumber><FilingDate>2023-02-01</FilingDate><Status>FILED</Status>`),
      app(`<ApplicationNumber>1-2023-00001</ApplicationNumber><FilingDate>2023-02-01</FilingDate><Applicants><Applicant><Name>A</Name><Country>VN</Country></Applicant></Applicants>`),
    ].map((r) => ('rejected' in r ? `${r.rejected.code}: ${r.rejected.reason}` : 'accepted'));
    expect(reasons).toEqual([
      'MISSING_FIELD: ApplicationNumber is missing: the application cannot be identified',
      'APPLICATION_NUMBER_INVALID: ApplicationNumber "3-2023-00001" is not 1-YYYY-NNNNN (patent) or 2-YYYY-NNNNN (utility solution)',
      'DATE_INVALID: 1-2023-00001: FilingDate "01/02/2023" is not a date (YYYY-MM-DD)',
      'DATE_INVALID: 1-2023-00001: Grant/Date "2022-13-01" is not a date (YYYY-MM-DD)',
      "MISSING_FIELD: 1-2023-00001: no Applicants/Applicant: the applicant's province cannot be known",
      'MISSING_FIELD: 1-2023-00001: the first Vietnamese applicant (A) has no Address: the province cannot be known',
    ]);
  });

  it('takes the written day of a date-time filing date', () => {
    expect(app(`<ApplicationNumber>1-2024-00001</ApplicationNumber><FilingDate>2024-12-31T23:30:00+07:00</FilingDate>${vn}`)).toMatchObject({
      observations: [{ unit: { asOf: '2024-12-31' }, period: '2024' }],
    });
  });
});
