import type { Strings } from '../i18n.tsx';

export const policyStrings: Strings<
  | 'title'
  | 'inForce'
  | 'version'
  | 'loadedAt'
  | 'hash'
  | 'files'
  | 'reload'
  | 'reloadTitle'
  | 'reloadBody'
  | 'reloaded'
  | 'policies'
  | 'file'
  | 'permit'
  | 'forbid'
  | 'dryRun'
  | 'dryRunHelp'
  | 'staff'
  | 'subject'
  | 'field'
  | 'purpose'
  | 'explanation'
  | 'explanationHelp'
  | 'breakGlass'
  | 'ask'
  | 'answer'
  | 'allow'
  | 'deny'
  | 'decidedBy'
  | 'noPolicy'
  | 'reasonQuota'
  | 'reasonDisabled'
  | 'facts'
  | 'role'
  | 'kind'
  | 'explanationFacts'
  | 'held'
  | 'notHeld'
  | 'grant'
  | 'quota'
  | 'yes'
  | 'no'
  | 'logged'
  | 'deciding'
> = {
  en: {
    title: 'Policies',
    inForce: 'In force',
    version: 'Version',
    loadedAt: 'Loaded',
    hash: 'Hash',
    files: 'Files',
    reload: 'Reload the policy files',
    reloadTitle: 'Reload the policies?',
    reloadBody:
      'The files are read again; if any does not parse or validate, nothing changes and the errors are shown. The reload is recorded in the audit log.',
    reloaded: 'Reloaded: version {v}.',
    policies: 'Cedar policies',
    file: 'File',
    permit: 'permits',
    forbid: 'forbids',
    dryRun: 'Dry run: may this person reveal this now?',
    dryRunHelp:
      'The same decision a reveal would get now (quota, ticket or assignment, grants, the policies), without revealing anything. The question is recorded in the audit log.',
    staff: 'Staff id',
    subject: 'Customer token',
    field: 'Field',
    purpose: 'Purpose',
    explanation: 'Explanation (ticket, case or assignment id)',
    explanationHelp: 'Optional',
    breakGlass: 'As a break-glass request',
    ask: 'Ask',
    answer: 'Answer',
    allow: 'Allowed',
    deny: 'Denied',
    decidedBy: 'Decided by',
    noPolicy: 'no policy permits it',
    reasonQuota: 'the hourly reveal quota is used up ({used} of {limit})',
    reasonDisabled: 'this staff member is disabled',
    facts: 'What was weighed',
    role: 'Staff member',
    kind: 'Subject kind',
    explanationFacts: 'Explanation',
    held: 'held by them',
    notHeld: 'not held by them',
    grant: 'Grant in force',
    quota: 'Reveals this hour',
    yes: 'yes',
    no: 'no',
    logged: 'This dry run is in the audit log.',
    deciding: 'deciding policy',
  },
  vi: {
    title: 'Chính sách',
    inForce: 'Đang áp dụng',
    version: 'Phiên bản',
    loadedAt: 'Nạp lúc',
    hash: 'Mã băm',
    files: 'Tệp',
    reload: 'Nạp lại các tệp chính sách',
    reloadTitle: 'Nạp lại chính sách?',
    reloadBody:
      'Các tệp được đọc lại; nếu có tệp không phân tích hoặc không hợp lệ, không có gì thay đổi và lỗi được hiển thị. Việc nạp lại được ghi vào nhật ký kiểm toán.',
    reloaded: 'Đã nạp lại: phiên bản {v}.',
    policies: 'Chính sách Cedar',
    file: 'Tệp',
    permit: 'cho phép',
    forbid: 'cấm',
    dryRun: 'Chạy thử: người này có được xem dữ liệu này lúc này không?',
    dryRunHelp:
      'Cùng quyết định mà một lần xem dữ liệu sẽ nhận lúc này (hạn mức, phiếu hỗ trợ hoặc phân công, quyền tạm thời, chính sách), nhưng không hiển thị gì. Câu hỏi được ghi vào nhật ký kiểm toán.',
    staff: 'Mã nhân viên',
    subject: 'Mã token khách hàng',
    field: 'Trường dữ liệu',
    purpose: 'Mục đích',
    explanation: 'Căn cứ (mã phiếu hỗ trợ, vụ việc hoặc phân công)',
    explanationHelp: 'Không bắt buộc',
    breakGlass: 'Như một yêu cầu khẩn cấp',
    ask: 'Hỏi',
    answer: 'Kết quả',
    allow: 'Được phép',
    deny: 'Bị từ chối',
    decidedBy: 'Quyết định bởi',
    noPolicy: 'không chính sách nào cho phép',
    reasonQuota: 'đã dùng hết hạn mức xem mỗi giờ ({used} trên {limit})',
    reasonDisabled: 'nhân viên này đã bị vô hiệu hóa',
    facts: 'Các yếu tố đã xét',
    role: 'Nhân viên',
    kind: 'Loại chủ thể',
    explanationFacts: 'Căn cứ',
    held: 'do người này nắm giữ',
    notHeld: 'không do người này nắm giữ',
    grant: 'Quyền tạm thời đang hiệu lực',
    quota: 'Lượt xem trong giờ này',
    yes: 'có',
    no: 'không',
    logged: 'Lần chạy thử này đã được ghi vào nhật ký kiểm toán.',
    deciding: 'chính sách quyết định',
  },
  zh: {
    title: '策略',
    inForce: '当前生效',
    version: '版本',
    loadedAt: '加载时间',
    hash: '哈希',
    files: '文件',
    reload: '重新加载策略文件',
    reloadTitle: '重新加载策略？',
    reloadBody: '将重新读取文件；若有文件无法解析或验证，则不做任何更改并显示错误。重新加载会记入审计日志。',
    reloaded: '已重新加载：版本 {v}。',
    policies: 'Cedar 策略',
    file: '文件',
    permit: '允许',
    forbid: '禁止',
    dryRun: '试运行：此人现在能否查看这些数据？',
    dryRunHelp:
      '与真实查看此刻会得到的决定相同（配额、工单或派单、临时授权、策略），但不显示任何数据。此查询会记入审计日志。',
    staff: '员工编号',
    subject: '客户令牌',
    field: '字段',
    purpose: '目的',
    explanation: '依据（工单、案件或派单编号）',
    explanationHelp: '可选',
    breakGlass: '作为紧急访问请求',
    ask: '查询',
    answer: '结果',
    allow: '允许',
    deny: '拒绝',
    decidedBy: '决定策略',
    noPolicy: '没有策略允许',
    reasonQuota: '每小时查看配额已用完（{used}/{limit}）',
    reasonDisabled: '该员工已被停用',
    facts: '考虑的因素',
    role: '员工',
    kind: '主体类型',
    explanationFacts: '依据',
    held: '由其持有',
    notHeld: '非其持有',
    grant: '有效的临时授权',
    quota: '本小时查看次数',
    yes: '是',
    no: '否',
    logged: '此次试运行已记入审计日志。',
    deciding: '决定策略',
  },
};
