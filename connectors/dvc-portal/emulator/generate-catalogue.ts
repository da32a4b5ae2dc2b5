import { uniform } from './random.js';
import type { ProcedureItem } from './rows.js';

const actions = ['Cấp', 'Cấp lại', 'Điều chỉnh', 'Gia hạn'] as const;
const objects = [
  'giấy phép xây dựng',
  'giấy chứng nhận đăng ký hộ kinh doanh',
  'phiếu lý lịch tư pháp',
  'giấy phép lái xe',
  'giấy chứng nhận quyền sử dụng đất',
  'giấy phép kinh doanh karaoke',
  'giấy chứng nhận đủ điều kiện an toàn thực phẩm',
  'giấy phép khai thác nước mặt',
  'chứng chỉ hành nghề dược',
  'giấy phép bán lẻ rượu',
  'giấy phép hoạt động điện lực',
  'giấy chứng nhận đăng ký doanh nghiệp',
] as const;
const civil = ['Đăng ký khai sinh', 'Đăng ký kết hôn', 'Đăng ký khai tử', 'Chứng thực bản sao từ bản chính', 'Đăng ký thường trú', 'Xác nhận tình trạng hôn nhân'] as const;

/** Procedure names: the civil-status ones every commune offers, then licences of the provincial departments. */
const names: readonly string[] = [...civil, ...objects.flatMap((o) => actions.map((a) => `${a} ${o}`))];

/**
 * `count` procedures of a unit. Codes are national (1.xxxxxx provincial level, 2.xxxxxx commune level), so two
 * units list the same codes; about 45 % are full online, some are no longer in force.
 */
export function generateCatalogue(unit: string, count: number): ProcedureItem[] {
  return Array.from({ length: count }, (_, i) => {
    const name = names[i % names.length] ?? 'Thủ tục khác';
    const commune = i < civil.length;
    const seed = `${unit}|${i}`;
    const r = uniform(seed);
    return {
      maThuTuc: `${commune ? 2 : 1}.${String(1200 + i * 37).padStart(6, '0')}`,
      tenThuTuc: i < names.length ? name : `${name} (lĩnh vực ${String(Math.floor(i / names.length) + 1)})`,
      capThucHien: commune ? ['Cấp xã'] : ['Cấp tỉnh'],
      mucDo: r < 0.45 ? 'TOAN_TRINH' : r < 0.85 ? 'MOT_PHAN' : 'KHAC',
      maDonViHanhChinh: unit,
      dongBoDVCQG: uniform(`${seed}|sync`) < 0.95,
      hieuLuc: uniform(`${seed}|force`) >= 0.07,
    };
  });
}
