import { reformDate, type Area } from './places.js';

/** The GSO province code an area's applicants count for, as of a day: what tests expect the engine to find. */
export function provinceCodeOn(area: Area, day: string): string {
  const before = day < reformDate;
  switch (area) {
    case 'AN_GIANG':
      return before ? '89' : '91';
    case 'KIEN_GIANG':
      return '91'; // Kiên Giang (legacy 91) before the reform, part of An Giang (91) after
    case 'NGHE_AN':
      return '40';
    case 'HO_CHI_MINH':
      return '79';
    case 'CAN_THO':
      return '92';
    case 'HA_NOI':
      return '01';
  }
}
