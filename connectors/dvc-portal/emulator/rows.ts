/** A row of the dossier report exactly as the contract shows it. */
export interface DossierRow {
  id: string;
  kyBaoCao: string;
  maCoQuan: string;
  tenCoQuan: string;
  maDonViHanhChinh: string;
  linhVuc: string;
  tiepNhan: { kyTruocChuyenQua: number; trucTuyen: number; trucTiep: number; buuChinh: number };
  daGiaiQuyet: { truocHan: number; dungHan: number; quaHan: number };
  dangGiaiQuyet: { trongHan: number; quaHan: number };
  thanhToanTrucTuyen: number;
  capNhatLuc: string;
}

/** What `revise` may change: any count, group by group. */
export interface RowChanges {
  tiepNhan?: Partial<DossierRow['tiepNhan']>;
  daGiaiQuyet?: Partial<DossierRow['daGiaiQuyet']>;
  dangGiaiQuyet?: Partial<DossierRow['dangGiaiQuyet']>;
  thanhToanTrucTuyen?: number;
}

/** A row as served: good rows, or malformed ones whose fields can be anything. */
export type ServedRow = Readonly<Record<string, unknown>> & { readonly id: string; readonly kyBaoCao: string; readonly capNhatLuc: string };

/** A catalogue item exactly as the contract shows it. */
export interface ProcedureItem {
  maThuTuc: string;
  tenThuTuc: string;
  capThucHien: string[];
  mucDo: 'TOAN_TRINH' | 'MOT_PHAN' | 'KHAC';
  maDonViHanhChinh: string;
  dongBoDVCQG: boolean;
  hieuLuc: boolean;
}

const vnOffsetMs = 7 * 3600 * 1000;

/** An instant written as the portal writes it: local Vietnam time with +07:00. */
export function vietnamTime(ms: number): string {
  return `${new Date(ms + vnOffsetMs).toISOString().slice(0, 19)}+07:00`;
}
