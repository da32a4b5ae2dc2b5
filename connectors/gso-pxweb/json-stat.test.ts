import { describe, expect, it } from 'vitest';
import { readJsonStat } from './json-stat.js';
import { observationStatus } from './status.js';

/** Province (2) × content (2) × year (3), row-major: the year varies fastest. */
const dense = {
  version: '2.0',
  class: 'dataset',
  label: 'GRDP',
  id: ['Tỉnh', 'Chỉ tiêu', 'Năm'],
  size: [2, 2, 3],
  dimension: {
    'Tỉnh': { label: 'Tỉnh, thành phố', category: { index: { '91': 1, '89': 0 }, label: { '89': 'An Giang', '91': 'Kiên Giang' } } },
    'Chỉ tiêu': { category: { index: { cur: 0, cst: 1 }, label: { cur: 'Giá hiện hành', cst: 'Giá so sánh' } } },
    'Năm': { category: { index: { '2022': 0, '2023': 1, '2024': 2 } } },
  },
  value: [1, 2, 3, 4, 5, null, 7, 8, 9, 10, 11, 12],
  status: { '2': 'p', '5': '..', '8': 'p', '11': 'p' },
  extension: { px: { decimals: 0 } },
};

describe('JSON-stat 2.0 reader', () => {
  it('reads three dimensions in row-major order, with codes, labels and flags', () => {
    const cube = readJsonStat(dense);
    expect(cube.dimensions.map((d) => [d.id, d.categories.map((c) => c.code)])).toEqual([
      ['Tỉnh', ['89', '91']],
      ['Chỉ tiêu', ['cur', 'cst']],
      ['Năm', ['2022', '2023', '2024']],
    ]);
    expect(cube.dimensions[0]?.categories[1]).toEqual({ code: '91', label: 'Kiên Giang' });
    expect(cube.dimensions[2]?.categories[0]).toEqual({ code: '2022', label: '2022' });
    expect(cube.cells).toHaveLength(12);
    expect(cube.cells[2]).toEqual({ position: 2, codes: { 'Tỉnh': '89', 'Chỉ tiêu': 'cur', 'Năm': '2024' }, value: 3, status: 'p' });
    expect(cube.cells[5]).toEqual({ position: 5, codes: { 'Tỉnh': '89', 'Chỉ tiêu': 'cst', 'Năm': '2024' }, value: null, status: '..' });
    expect(cube.cells[7]).toMatchObject({ codes: { 'Tỉnh': '91', 'Chỉ tiêu': 'cur', 'Năm': '2023' }, value: 8, status: null });
  });

  it('reads a sparse value object, an array index and a status array to the same cells', () => {
    const sparse = {
      ...dense,
      dimension: { ...dense.dimension, 'Tỉnh': { category: { index: ['89', '91'], label: { '89': 'An Giang', '91': 'Kiên Giang' } } } },
      value: { '0': 1, '1': 2, '2': 3, '3': 4, '4': 5, '6': 7, '7': 8, '8': 9, '9': 10, '10': 11, '11': 12 },
      status: [null, null, 'p', null, null, '..', null, null, 'p', null, null, 'p'],
    };
    expect(readJsonStat(sparse).cells).toEqual(readJsonStat(dense).cells);
  });

  it('takes a single category from its label alone, one status string for every cell, and text cells as sent', () => {
    const cube = readJsonStat({
      id: ['ContentsCode', 'Tỉnh', 'Năm'],
      size: [1, 1, 2],
      dimension: { ContentsCode: { category: { label: { pop: 'Dân số (Người)' } } }, 'Tỉnh': { category: { index: { '40': 0 } } }, 'Năm': { category: { index: ['2023', '2024'] } } },
      value: [3_400_000, 'n/a'],
      status: 'e',
    });
    expect(cube.cells).toEqual([
      { position: 0, codes: { ContentsCode: 'pop', 'Tỉnh': '40', 'Năm': '2023' }, value: 3_400_000, status: 'e' },
      { position: 1, codes: { ContentsCode: 'pop', 'Tỉnh': '40', 'Năm': '2024' }, value: 'n/a', status: 'e' },
    ]);
  });

  it('an empty sparse value gives every cell with a null value', () => {
    const cube = readJsonStat({ ...dense, value: {}, status: undefined });
    expect(cube.cells.every((c) => c.value === null && c.status === null)).toBe(true);
  });

  it('refuses what is not a consistent dataset', () => {
    expect(() => readJsonStat({ ...dense, size: [2, 2] })).toThrow(/id lists 3 dimensions but size 2/);
    expect(() => readJsonStat({ ...dense, value: [1, 2, 3] })).toThrow(/value has 3 entries, the cube 12 cells/);
    expect(() => readJsonStat({ ...dense, size: [3, 2, 3] })).toThrow(/dimension "Tỉnh" has 2 categories/);
    expect(() => readJsonStat({ ...dense, class: 'collection' })).toThrow(/got class "collection"/);
    expect(() => readJsonStat({ ...dense, id: ['Tỉnh', 'Chỉ tiêu', 'Quý'] })).toThrow(/"Quý" is listed in id but not described/);
    expect(() => readJsonStat({ dimension: {} })).toThrow();
  });
});

describe('status flags', () => {
  it.each([
    ['p', 'provisional'], ['Provisional', 'provisional'], ['Sơ bộ', 'provisional'], [' Sơ bộ '.normalize('NFD'), 'provisional'],
    ['e', 'estimated'], ['estimated', 'estimated'], ['Ước tính', 'estimated'],
    [null, 'final'], ['', 'final'], ['..', 'final'], ['f', 'final'], ['*', 'final'],
  ] as const)('%j is %s', (flag, status) => {
    expect(observationStatus(flag)).toBe(status);
  });
});
