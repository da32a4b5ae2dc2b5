/**
 * Where emulated Vietnamese applicants live, and how their addresses are written: before the 2025-07-01 reform
 * with the legacy province (and district) names, after it with the new ones; with or without diacritics,
 * abbreviated (TP.HCM, Tp. Hồ Chí Minh, tp Can Tho), sometimes only a commune and the province.
 */

/** The area an applicant lives in; the test maps it to the province code valid on the filing date. */
export type Area = 'AN_GIANG' | 'KIEN_GIANG' | 'NGHE_AN' | 'HO_CHI_MINH' | 'CAN_THO' | 'HA_NOI';

export const reformDate = '2025-07-01';

interface AreaSpec {
  readonly applicants: readonly string[];
  /** Addresses as written before the reform. */
  readonly legacy: readonly string[];
  /** Addresses as written from the reform on. */
  readonly current: readonly string[];
}

export const areas: Readonly<Record<Area, AreaSpec>> = {
  AN_GIANG: {
    applicants: ['Trường Đại học An Giang', 'Công ty Cổ phần Tập đoàn Lộc Trời', 'Nguyễn Văn Thành', 'Công ty TNHH Cơ khí Nông nghiệp Long Xuyên'],
    legacy: [
      '18 Ung Văn Khiêm, phường Đông Xuyên, thành phố Long Xuyên, tỉnh An Giang',
      'Số 23 Hà Hoàng Hổ, phường Mỹ Xuyên, TP. Long Xuyên, An Giang',
      'ap Hoa Long 4, thi tran An Chau, huyen Chau Thanh, tinh An Giang',
      'phường Châu Phú A, thành phố Châu Đốc, Tỉnh An Giang',
    ],
    current: ['18 Ung Văn Khiêm, phường Long Xuyên, tỉnh An Giang', 'xã Châu Thành, An Giang', 'phuong Chau Doc, tinh An Giang', 'Số 5 Lê Lợi, phường Mỹ Thới, Tỉnh An Giang, Việt Nam'],
  },
  KIEN_GIANG: {
    applicants: ['Trường Cao đẳng Kiên Giang', 'Công ty TNHH Nước mắm Phú Quốc Khải Hoàn', 'Trần Thị Mai', 'Viện Nghiên cứu Nuôi trồng Thủy sản Kiên Giang'],
    legacy: [
      'Số 10 Trần Phú, phường Vĩnh Thanh, thành phố Rạch Giá, tỉnh Kiên Giang',
      'Rạch Giá, Kiên Giang',
      'khu pho 1, thi tran Duong Dong, huyen Phu Quoc, tinh Kien Giang',
      'xã Bình An, huyện Châu Thành, Kiên Giang, Việt Nam',
    ],
    // The legacy Kiên Giang lies in An Giang since the reform.
    current: ['Số 10 Trần Phú, phường Rạch Giá, tỉnh An Giang', 'đặc khu Phú Quốc, An Giang', 'phuong Ha Tien, tinh An Giang'],
  },
  NGHE_AN: {
    applicants: ['Trường Đại học Vinh', 'Công ty Cổ phần Sữa TH', 'Lê Văn Hùng'],
    legacy: ['Số 182 Lê Duẩn, phường Bến Thủy, thành phố Vinh, tỉnh Nghệ An', 'xa Nghia Son, huyen Nghia Dan, tinh Nghe An'],
    current: ['Số 182 Lê Duẩn, phường Trường Vinh, tỉnh Nghệ An', 'phường Vinh Hưng, Nghệ An'],
  },
  HO_CHI_MINH: {
    applicants: ['Trường Đại học Bách khoa - ĐHQG TP.HCM', 'Công ty Cổ phần Công nghệ Sinh học Sài Gòn', 'Phạm Minh Tuấn', 'Viện Công nghệ Hóa học'],
    legacy: [
      '12 Nguyễn Trãi, Quận 1, TP.HCM',
      '268 Lý Thường Kiệt, Phường 14, Quận 10, Tp. Hồ Chí Minh',
      '227 Nguyen Van Cu, Phuong 4, Quan 5, TP.HCM, Viet Nam',
      '1 Võ Văn Ngân, thành phố Thủ Đức, Thành phố Hồ Chí Minh',
    ],
    current: ['12 Nguyễn Trãi, phường Bến Thành, TP.HCM', '268 Lý Thường Kiệt, phường Diên Hồng, Tp. Hồ Chí Minh', 'phường Thủ Dầu Một, Thành phố Hồ Chí Minh'],
  },
  CAN_THO: {
    applicants: ['Trường Đại học Cần Thơ', 'Công ty TNHH Thủy sản Mekong', 'Võ Thị Hồng'],
    legacy: ['so 5 duong 3/2, tp Can Tho', 'Khu II, đường 3/2, phường Xuân Khánh, quận Ninh Kiều, thành phố Cần Thơ'],
    current: ['Khu II, đường 3/2, phường Ninh Kiều, thành phố Cần Thơ', 'phuong Soc Trang, tp Can Tho'],
  },
  HA_NOI: {
    applicants: ['Đại học Bách khoa Hà Nội', 'Viện Hàn lâm Khoa học và Công nghệ Việt Nam', 'Tập đoàn Công nghiệp - Viễn thông Quân đội'],
    legacy: ['Số 1 Đại Cồ Việt, quận Hai Bà Trưng, Hà Nội', '18 Hoàng Quốc Việt, quận Cầu Giấy, thành phố Hà Nội'],
    current: ['Số 1 Đại Cồ Việt, phường Bạch Mai, Hà Nội', '18 Hoang Quoc Viet, phuong Nghia Do, TP Ha Noi'],
  },
};

export const areaWeights: Readonly<Record<Area, number>> = { AN_GIANG: 25, KIEN_GIANG: 20, NGHE_AN: 15, HO_CHI_MINH: 15, CAN_THO: 10, HA_NOI: 15 };

export interface ForeignApplicant {
  readonly name: string;
  readonly address: string;
  readonly country: string;
}

export const foreignApplicants: readonly ForeignApplicant[] = [
  { name: 'Toyota Jidosha Kabushiki Kaisha', address: '1, Toyota-cho, Toyota-shi, Aichi-ken 471-8571', country: 'JP' },
  { name: 'Qualcomm Incorporated', address: '5775 Morehouse Drive, San Diego, California 92121-1714', country: 'US' },
  { name: 'Panasonic Intellectual Property Management Co., Ltd.', address: '1-61, Shiromi 2-chome, Chuo-ku, Osaka-shi, Osaka 540-6207', country: 'JP' },
  { name: 'The Procter & Gamble Company', address: 'One Procter & Gamble Plaza, Cincinnati, Ohio 45202', country: 'US' },
];

export const titles: readonly string[] = [
  'Hệ thống tưới tiết kiệm nước cho lúa',
  'Quy trình sản xuất nước mắm giảm mặn',
  'Thiết bị sấy nông sản dùng năng lượng mặt trời',
  'Chế phẩm vi sinh xử lý bùn đáy ao nuôi tôm',
  'Phương pháp nhân giống cây lúa chịu mặn',
  'Máy bóc vỏ hạt điều tự động',
  'Vật liệu composite từ vỏ trấu',
  'Hệ thống giám sát chất lượng nước bằng cảm biến IoT',
];

export const ipcCodes: readonly string[] = ['A01G 25/02', 'A23L 27/50', 'F26B 3/28', 'C02F 3/34', 'A01H 1/04', 'A23N 5/03', 'C08L 97/02', 'G01N 33/18', 'H04W 4/38'];
