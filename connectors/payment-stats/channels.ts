import { cashChannels, nonCashChannels, totalChannel, type Channel } from './contract.js';
import { textKey } from './text.js';

export type ChannelKind =
  | { readonly kind: 'noncash'; readonly channel: Channel; readonly indicator: 'NONCASH_TXN_COUNT' }
  | { readonly kind: 'cash'; readonly channel: Channel; readonly indicator: 'CASH_WITHDRAWAL_COUNT' }
  | { readonly kind: 'total' }
  | { readonly kind: 'unknown'; readonly name: string };

const known = new Map<string, ChannelKind>([
  ...nonCashChannels.map((c): [string, ChannelKind] => [textKey(c), { kind: 'noncash', channel: c, indicator: 'NONCASH_TXN_COUNT' }]),
  ...cashChannels.map((c): [string, ChannelKind] => [textKey(c), { kind: 'cash', channel: c, indicator: 'CASH_WITHDRAWAL_COUNT' }]),
  [textKey(totalChannel), { kind: 'total' }],
]);

/** What a `Kênh thanh toán` cell names, whatever its normalisation, spacing or case. */
export function classifyChannel(name: string): ChannelKind {
  return known.get(textKey(name)) ?? { kind: 'unknown', name };
}
