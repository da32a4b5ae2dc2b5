import { sha256Hex } from '../download.js';
import type { Channel } from '../contract.js';
import { addMonths, generateMonth, monthRange, type ChannelFigure } from './dataset.js';
import { renderMonthFile, type RenderOptions } from './render.js';

/** One published file: a month's version, its figures and the exact bytes served. */
export interface Publication {
  readonly ky: string;
  readonly phienBan: number;
  readonly tep: string;
  readonly ngayCongBo: string;
  readonly figures: readonly ChannelFigure[];
  readonly bytes: Buffer;
  readonly sha256: string;
}

/** What a new version changes against the latest one. */
export interface RevisionChanges {
  /** Corrected (or added) figures. */
  readonly set?: readonly { readonly maTinh: string; readonly kenh: Channel; readonly soLuong: number; readonly giaTriPhanTram?: number }[];
  /** Rows the new version no longer has. */
  readonly remove?: readonly { readonly maTinh: string; readonly kenh: Channel }[];
  /** Lines appended as written: malformed rows (unknown channel, text in a number, negative count ...). */
  readonly extraLines?: readonly (readonly string[])[];
  /** A header in another shape. */
  readonly header?: readonly string[];
}

const fileName = (ky: string, phienBan: number) => `ttkdtm_${ky.replace('-', '_')}_v${phienBan}.csv`;
const lastDayOf = (ky: string) => new Date(Date.UTC(Number(ky.slice(0, 4)), Number(ky.slice(5)), 0)).toISOString().slice(0, 10);

/** Every file published, all versions kept (the index lists them all). */
export class PublicationStore {
  private readonly all: Publication[] = [];

  constructor(
    from: string,
    to: string,
    private readonly messyText: boolean,
  ) {
    for (const ky of monthRange(from, to)) this.add(ky, 1, generateMonth(ky), {});
  }

  list(): readonly Publication[] {
    return this.all;
  }

  latest(ky: string): Publication {
    const found = this.all.filter((p) => p.ky === ky).sort((a, b) => b.phienBan - a.phienBan)[0];
    if (!found) throw new Error(`no file for ${ky}`);
    return found;
  }

  byFile(tep: string): Publication | undefined {
    return this.all.find((p) => p.tep === tep);
  }

  /** A new version of the month: the latest's figures with the changes, re-rendered, with its own sha256. */
  publishRevision(ky: string, changes: RevisionChanges): Publication {
    const previous = this.latest(ky);
    const same = (a: { maTinh: string; kenh: string }, b: { maTinh: string; kenh: string }) => a.maTinh === b.maTinh && a.kenh === b.kenh;
    let figures = previous.figures.filter((f) => !(changes.remove ?? []).some((r) => same(f, r)));
    for (const s of changes.set ?? []) {
      const old = figures.find((f) => same(f, s));
      const tenTinh = old?.tenTinh ?? previous.figures.find((f) => f.maTinh === s.maTinh)?.tenTinh ?? '';
      const updated: ChannelFigure = { maTinh: s.maTinh, tenTinh, kenh: s.kenh, soLuong: s.soLuong, giaTriPhanTram: s.giaTriPhanTram ?? old?.giaTriPhanTram ?? 0 };
      figures = old ? figures.map((f) => (f === old ? updated : f)) : [...figures, updated];
    }
    return this.add(ky, previous.phienBan + 1, figures, { ...(changes.extraLines ? { extraLines: changes.extraLines } : {}), ...(changes.header ? { header: changes.header } : {}) });
  }

  private add(ky: string, phienBan: number, figures: readonly ChannelFigure[], render: RenderOptions): Publication {
    const bytes = renderMonthFile(ky, figures, { ...render, messyText: this.messyText });
    // Published around the 20th of the next month; later versions a week apart.
    const published = new Date(`${lastDayOf(addMonths(ky, 1)).slice(0, 8)}20T00:00:00Z`);
    published.setUTCDate(published.getUTCDate() + 7 * (phienBan - 1));
    const p: Publication = { ky, phienBan, tep: fileName(ky, phienBan), ngayCongBo: published.toISOString().slice(0, 10), figures, bytes, sha256: sha256Hex(bytes) };
    this.all.push(p);
    return p;
  }
}
