import type { Strings } from '../i18n.tsx';

export const entityStrings: Strings<
  | 'device'
  | 'staff'
  | 'facts'
  | 'station'
  | 'kind'
  | 'build'
  | 'buildKnown'
  | 'buildUnknown'
  | 'status'
  | 'since'
  | 'role'
  | 'team'
  | 'grants'
  | 'risk'
  | 'riskNone'
  | 'score'
  | 'rule'
  | 'at'
  | 'timeline'
  | 'timelineNone'
  | 'what'
  | 'result'
  | 'customer'
  | 'parcel'
  | 'field'
  | 'purpose'
  | 'explanation'
  | 'explained'
  | 'unexplained'
  | 'notJudged'
  | 'byEngine'
  | 'evidence'
  | 'evidenceNone'
  | 'cases'
  | 'actions'
  | 'restrict'
  | 'revoke'
  | 'restrictTitle'
  | 'restrictBody'
  | 'revokeTitle'
  | 'revokeBody'
  | 'suspend'
  | 'suspendTitle'
  | 'suspendBody'
  | 'suspended'
  | 'nothingSuspended'
  | 'statusSet'
  | 'incident'
> = {
  en: {
    device: 'Device {id}',
    staff: 'Staff member {id}',
    facts: 'Facts',
    station: 'Station',
    kind: 'Kind',
    build: 'Build',
    buildKnown: 'on the allow-list',
    buildUnknown: 'not on the allow-list',
    status: 'Status',
    since: 'since {t}',
    role: 'Role',
    team: 'Team',
    grants: 'Grants in force',
    risk: 'Risk score over time (highest alert score per hour)',
    riskNone: 'No alert: no risk recorded.',
    score: 'Score',
    rule: 'Rule',
    at: 'When',
    timeline: 'Recent activity',
    timelineNone: 'Nothing recorded yet.',
    what: 'What',
    result: 'Result',
    customer: 'Customer (token)',
    parcel: 'Parcel',
    field: 'Field',
    purpose: 'Purpose',
    explanation: 'Explanation',
    explained: 'Explained',
    unexplained: 'Unexplained',
    notJudged: '—',
    byEngine: 'as detection judged it',
    evidence: 'Evidence of the alerts',
    evidenceNone: 'No alert, so no evidence.',
    cases: 'Cases',
    actions: 'Actions',
    restrict: 'Restrict device',
    revoke: 'Revoke device',
    restrictTitle: 'Restrict this device?',
    restrictBody: 'It keeps routing data only, at one request a second. Recorded in the audit log under your name.',
    revokeTitle: 'Revoke this device?',
    revokeBody:
      'Every request it signs will be refused until an administrator puts it back. Recorded in the audit log under your name.',
    suspend: 'Suspend grants',
    suspendTitle: 'Suspend every grant of {id}?',
    suspendBody:
      'Their just-in-time grants still in force stop working now. Recorded in the audit log under your name; an administrator can restore them.',
    suspended: '{n} grants suspended.',
    nothingSuspended: 'No grant was in force: nothing to suspend.',
    statusSet: 'The device is now {s}.',
    incident: 'incident {id}',
  },
  vi: {
    device: 'Thiết bị {id}',
    staff: 'Nhân viên {id}',
    facts: 'Thông tin',
    station: 'Trạm',
    kind: 'Loại',
    build: 'Phiên bản phần mềm',
    buildKnown: 'nằm trong danh sách cho phép',
    buildUnknown: 'không nằm trong danh sách cho phép',
    status: 'Trạng thái',
    since: 'từ {t}',
    role: 'Vai trò',
    team: 'Nhóm',
    grants: 'Quyền tạm thời còn hiệu lực',
    risk: 'Điểm rủi ro theo thời gian (điểm cảnh báo cao nhất mỗi giờ)',
    riskNone: 'Không có cảnh báo: chưa ghi nhận rủi ro.',
    score: 'Điểm',
    rule: 'Quy tắc',
    at: 'Thời điểm',
    timeline: 'Hoạt động gần đây',
    timelineNone: 'Chưa có gì được ghi nhận.',
    what: 'Hành động',
    result: 'Kết quả',
    customer: 'Khách hàng (mã token)',
    parcel: 'Bưu kiện',
    field: 'Trường',
    purpose: 'Mục đích',
    explanation: 'Căn cứ',
    explained: 'Có căn cứ',
    unexplained: 'Không có căn cứ',
    notJudged: '—',
    byEngine: 'theo đánh giá của hệ thống phát hiện',
    evidence: 'Bằng chứng của các cảnh báo',
    evidenceNone: 'Không có cảnh báo nên không có bằng chứng.',
    cases: 'Vụ việc',
    actions: 'Thao tác',
    restrict: 'Hạn chế thiết bị',
    revoke: 'Thu hồi thiết bị',
    restrictTitle: 'Hạn chế thiết bị này?',
    restrictBody:
      'Thiết bị chỉ còn nhận dữ liệu định tuyến, một yêu cầu mỗi giây. Thao tác được ghi vào nhật ký kiểm toán dưới tên bạn.',
    revokeTitle: 'Thu hồi thiết bị này?',
    revokeBody:
      'Mọi yêu cầu có chữ ký của thiết bị sẽ bị từ chối cho đến khi quản trị viên khôi phục. Thao tác được ghi vào nhật ký kiểm toán dưới tên bạn.',
    suspend: 'Tạm dừng quyền',
    suspendTitle: 'Tạm dừng mọi quyền của {id}?',
    suspendBody:
      'Các quyền tạm thời còn hiệu lực sẽ ngừng ngay. Thao tác được ghi vào nhật ký kiểm toán dưới tên bạn; quản trị viên có thể khôi phục.',
    suspended: 'Đã tạm dừng {n} quyền.',
    nothingSuspended: 'Không có quyền nào còn hiệu lực: không có gì để tạm dừng.',
    statusSet: 'Thiết bị hiện ở trạng thái {s}.',
    incident: 'sự cố {id}',
  },
  zh: {
    device: '设备 {id}',
    staff: '员工 {id}',
    facts: '概况',
    station: '站点',
    kind: '类型',
    build: '软件版本',
    buildKnown: '在允许列表中',
    buildUnknown: '不在允许列表中',
    status: '状态',
    since: '自 {t}',
    role: '角色',
    team: '团队',
    grants: '生效中的临时授权',
    risk: '风险分数随时间变化（每小时最高告警分数）',
    riskNone: '没有告警：未记录风险。',
    score: '分数',
    rule: '规则',
    at: '时间',
    timeline: '近期活动',
    timelineNone: '尚无记录。',
    what: '操作',
    result: '结果',
    customer: '客户（令牌）',
    parcel: '包裹',
    field: '字段',
    purpose: '目的',
    explanation: '依据',
    explained: '有依据',
    unexplained: '无依据',
    notJudged: '—',
    byEngine: '由检测引擎判定',
    evidence: '告警证据',
    evidenceNone: '没有告警，因此没有证据。',
    cases: '案件',
    actions: '操作',
    restrict: '限制设备',
    revoke: '吊销设备',
    restrictTitle: '限制此设备？',
    restrictBody: '它只能获取路由数据，每秒一次请求。此操作以您的名义记入审计日志。',
    revokeTitle: '吊销此设备？',
    revokeBody: '在管理员恢复之前，它签名的每个请求都将被拒绝。此操作以您的名义记入审计日志。',
    suspend: '暂停授权',
    suspendTitle: '暂停 {id} 的所有授权？',
    suspendBody: '其生效中的临时授权将立即停止。此操作以您的名义记入审计日志；管理员可以恢复。',
    suspended: '已暂停 {n} 项授权。',
    nothingSuspended: '没有生效中的授权：无需暂停。',
    statusSet: '设备现在的状态为 {s}。',
    incident: '事件 {id}',
  },
};
