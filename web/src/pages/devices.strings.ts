import type { Strings } from '../i18n.tsx';

export const deviceStrings: Strings<
  | 'title'
  | 'readOnly'
  | 'filters'
  | 'station'
  | 'build'
  | 'state'
  | 'any'
  | 'unknownBuilds'
  | 'fleet'
  | 'count'
  | 'device'
  | 'kind'
  | 'lastActivity'
  | 'enrolled'
  | 'actions'
  | 'never'
  | 'unknownBuild'
  | 'knownBuild'
  | 'active'
  | 'restricted'
  | 'revoked'
  | 'scanner'
  | 'courier_app'
  | 'quarantine'
  | 'quarantineTitle'
  | 'quarantineBody'
  | 'revoke'
  | 'revokeTitle'
  | 'revokeBody'
  | 'release'
  | 'releaseTitle'
  | 'releaseBody'
  | 'enroll'
  | 'enrollHelp'
  | 'ttl'
  | 'createCode'
  | 'code'
  | 'codeOnce'
  | 'expires'
  | 'none'
  | 'sortBy'
> = {
  en: {
    title: 'Devices',
    readOnly: 'You can read the fleet; quarantine and enrollment are for admins and supervisors.',
    filters: 'Filters',
    station: 'Station',
    build: 'Build',
    state: 'State',
    any: 'Any',
    unknownBuilds: 'Builds not on the allow-list',
    fleet: 'Fleet',
    count: '{n} of {total} devices',
    device: 'Device',
    kind: 'Kind',
    lastActivity: 'Last activity',
    enrolled: 'Enrolled',
    actions: 'Actions',
    never: 'never',
    unknownBuild: 'unknown build',
    knownBuild: 'allowed',
    active: 'active',
    restricted: 'restricted',
    revoked: 'revoked',
    scanner: 'scanner',
    courier_app: 'courier app',
    quarantine: 'Quarantine',
    quarantineTitle: 'Quarantine device {id}?',
    quarantineBody:
      'It will keep reading routing data only, at one request a second. This is recorded in the audit log and can be undone.',
    revoke: 'Revoke',
    revokeTitle: 'Revoke device {id}?',
    revokeBody: 'Every request it makes will be refused. This is recorded in the audit log and can be undone.',
    release: 'Release',
    releaseTitle: 'Release device {id}?',
    releaseBody: 'It will be active again, with its station’s normal access. This is recorded in the audit log.',
    enroll: 'Enrollment code',
    enrollHelp:
      'A one-time code enrolls one device of this kind at this station. It is shown once, here: give it to the person setting the device up.',
    ttl: 'Valid for (minutes)',
    createCode: 'Create a code',
    code: 'Code',
    codeOnce: 'Shown once: it will not be shown again.',
    expires: 'Expires {t}',
    none: 'No device matches these filters.',
    sortBy: 'Sort by {col}',
  },
  vi: {
    title: 'Thiết bị',
    readOnly: 'Bạn chỉ xem được đội thiết bị; cách ly và cấp mã đăng ký dành cho quản trị viên và giám sát viên.',
    filters: 'Bộ lọc',
    station: 'Trạm',
    build: 'Bản phần mềm',
    state: 'Trạng thái',
    any: 'Tất cả',
    unknownBuilds: 'Bản không có trong danh sách cho phép',
    fleet: 'Đội thiết bị',
    count: '{n} trên {total} thiết bị',
    device: 'Thiết bị',
    kind: 'Loại',
    lastActivity: 'Hoạt động gần nhất',
    enrolled: 'Ngày đăng ký',
    actions: 'Thao tác',
    never: 'chưa có',
    unknownBuild: 'bản lạ',
    knownBuild: 'được phép',
    active: 'hoạt động',
    restricted: 'bị hạn chế',
    revoked: 'bị thu hồi',
    scanner: 'máy quét',
    courier_app: 'ứng dụng giao hàng',
    quarantine: 'Cách ly',
    quarantineTitle: 'Cách ly thiết bị {id}?',
    quarantineBody:
      'Thiết bị chỉ còn đọc được dữ liệu định tuyến, một yêu cầu mỗi giây. Thao tác được ghi vào nhật ký kiểm toán và có thể hoàn tác.',
    revoke: 'Thu hồi',
    revokeTitle: 'Thu hồi thiết bị {id}?',
    revokeBody: 'Mọi yêu cầu của thiết bị sẽ bị từ chối. Thao tác được ghi vào nhật ký kiểm toán và có thể hoàn tác.',
    release: 'Khôi phục',
    releaseTitle: 'Khôi phục thiết bị {id}?',
    releaseBody:
      'Thiết bị sẽ hoạt động lại với quyền truy cập bình thường của trạm. Thao tác được ghi vào nhật ký kiểm toán.',
    enroll: 'Mã đăng ký',
    enrollHelp:
      'Mã dùng một lần để đăng ký một thiết bị loại này tại trạm này. Mã chỉ hiển thị một lần, tại đây: hãy đưa cho người cài đặt thiết bị.',
    ttl: 'Hiệu lực (phút)',
    createCode: 'Tạo mã',
    code: 'Mã',
    codeOnce: 'Chỉ hiển thị một lần: mã sẽ không được hiển thị lại.',
    expires: 'Hết hạn {t}',
    none: 'Không có thiết bị nào khớp bộ lọc.',
    sortBy: 'Sắp xếp theo {col}',
  },
  zh: {
    title: '设备',
    readOnly: '您可以查看设备；隔离和注册码仅限管理员和主管。',
    filters: '筛选',
    station: '站点',
    build: '软件版本',
    state: '状态',
    any: '全部',
    unknownBuilds: '不在允许列表中的版本',
    fleet: '设备列表',
    count: '{total} 台设备中的 {n} 台',
    device: '设备',
    kind: '类型',
    lastActivity: '最近活动',
    enrolled: '注册时间',
    actions: '操作',
    never: '无',
    unknownBuild: '未知版本',
    knownBuild: '已允许',
    active: '正常',
    restricted: '受限',
    revoked: '已吊销',
    scanner: '扫描枪',
    courier_app: '快递员应用',
    quarantine: '隔离',
    quarantineTitle: '隔离设备 {id}？',
    quarantineBody: '它将只能读取路由数据，每秒一次请求。此操作记入审计日志，可以撤销。',
    revoke: '吊销',
    revokeTitle: '吊销设备 {id}？',
    revokeBody: '它的每个请求都将被拒绝。此操作记入审计日志，可以撤销。',
    release: '恢复',
    releaseTitle: '恢复设备 {id}？',
    releaseBody: '它将恢复正常，拥有其站点的常规访问权限。此操作记入审计日志。',
    enroll: '注册码',
    enrollHelp: '一次性注册码可在此站点注册一台此类型的设备。它只在这里显示一次：请交给安装设备的人员。',
    ttl: '有效期（分钟）',
    createCode: '生成注册码',
    code: '注册码',
    codeOnce: '仅显示一次：之后不会再显示。',
    expires: '{t} 过期',
    none: '没有符合筛选条件的设备。',
    sortBy: '按{col}排序',
  },
};
