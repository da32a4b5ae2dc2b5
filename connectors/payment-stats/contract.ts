/** What the State Bank branch's payment-statistics service publishes (shared/contracts/sources.md, section 2). */

export const indexPath = '/thong-ke/thanh-toan/index.json';
export const filePath = (tep: string): string => `/thong-ke/thanh-toan/files/${encodeURIComponent(tep)}`;
export const apiKeyHeader = 'X-API-Key';

/** The header row, exactly; a file with any other header is refused. */
export const csvHeader = ['Mã tỉnh', 'Tên tỉnh', 'Kỳ báo cáo', 'Kênh thanh toán', 'Số lượng giao dịch', 'Giá trị giao dịch (triệu đồng)'] as const;
export const csvSeparator = ';';

export const nonCashChannels = ['Internet Banking', 'Mobile Banking', 'POS', 'QR code', 'Ví điện tử', 'Chuyển khoản qua quầy'] as const;
export const cashChannels = ['Rút tiền mặt tại ATM', 'Rút tiền mặt tại quầy'] as const;
export const totalChannel = 'Tổng cộng';

export type NonCashChannel = (typeof nonCashChannels)[number];
export type CashChannel = (typeof cashChannels)[number];
export type Channel = NonCashChannel | CashChannel;
export const channels: readonly Channel[] = [...nonCashChannels, ...cashChannels];
