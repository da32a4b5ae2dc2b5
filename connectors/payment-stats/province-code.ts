import { cleanText } from './text.js';

/** `Mã tỉnh` as a two-digit GSO code when it is one ("1" is "01"). */
export const provinceCode = (text: string): string => (/^\d$/.test(cleanText(text)) ? `0${cleanText(text)}` : cleanText(text));
