/**
 * GSO assigns five-digit commune codes in blocks, province by province, in the order of the legacy (63) provinces;
 * Hà Nội also holds the blocks of the communes it took over (Hà Tây, parts of Vĩnh Phúc and Hòa Bình, 2008). Each
 * commune created on 2025-07-01 took the code of one of its legacy communes, so its code lies in a block of a
 * legacy province merged into its province. Each entry is the first code of a block and the legacy province owning
 * it, as the GSO catalogue shows them (checked against ../shared/data/admin-units by commune-code-blocks.test.ts).
 */
const blocks: readonly (readonly [number, string])[] = [
  [1, '01'], [688, '02'], [1267, '04'], [1834, '06'], [2200, '08'], [2635, '10'], [3124, '11'], [3386, '12'],
  [3646, '14'], [4249, '15'], [4789, '17'], [4927, '01'], [4942, '17'], [5431, '19'], [5971, '20'], [6649, '22'],
  [7201, '24'], [7888, '25'], [8707, '26'], [8973, '01'], [9025, '26'], [9163, '27'], [9538, '01'], [10507, '30'],
  [11296, '31'], [11950, '33'], [12433, '34'], [13285, '35'], [13636, '36'], [14320, '37'], [14755, '38'],
  [16663, '40'], [18073, '42'], [18853, '44'], [19330, '45'], [19750, '46'], [20194, '48'], [20335, '49'],
  [21010, '51'], [21550, '52'], [22015, '54'], [22327, '56'], [22738, '58'], [22739, '56'], [22741, '58'],
  [22915, '60'], [23281, '62'], [23557, '64'], [24118, '66'], [24611, '67'], [24769, '68'], [25195, '70'],
  [25456, '72'], [25741, '74'], [25993, '75'], [26506, '77'], [26734, '79'], [27685, '80'], [28249, '82'],
  [28756, '83'], [29236, '84'], [29542, '86'], [29869, '87'], [30280, '89'], [30733, '91'], [31117, '92'],
  [31318, '93'], [31498, '94'], [31813, '95'], [31999, '96'],
];

/** The highest commune code in use (Cà Mau's last block ends there). */
const lastCode = 32248;

/** The legacy province whose block holds a five-digit commune code (legacy or 2025); undefined outside every block. */
export function legacyProvinceOfCommune(code: string): string | undefined {
  if (!/^\d{5}$/.test(code)) return undefined;
  const n = Number(code);
  if (n < 1 || n > lastCode) return undefined;
  let owner: string | undefined;
  for (const [first, province] of blocks) {
    if (first > n) break;
    owner = province;
  }
  return owner;
}
