import type { Strings } from '../i18n.tsx';

export const caseStrings: Strings<
  | 'title'
  | 'case'
  | 'caseTitle'
  | 'status'
  | 'open'
  | 'resolved'
  | 'any'
  | 'none'
  | 'actor'
  | 'severity'
  | 'score'
  | 'summary'
  | 'alerts'
  | 'assignee'
  | 'updated'
  | 'opened'
  | 'facts'
  | 'resolution'
  | 'reason'
  | 'incident'
  | 'evidence'
  | 'actionsAuto'
  | 'noActions'
  | 'undone'
  | 'notes'
  | 'noNotes'
  | 'addNote'
  | 'note'
  | 'save'
  | 'assign'
  | 'assignTo'
  | 'resolve'
  | 'classify'
  | 'reasonHelp'
  | 'resolveTitle'
  | 'resolveBody'
  | 'true_positive'
  | 'benign'
  | 'false_positive'
  | 'escalate'
  | 'escalateTitle'
  | 'escalateBody'
  | 'incTitle'
  | 'where'
  | 'measures'
  | 'highRisk'
  | 'escalated'
  | 'back'
  | 'saved'
> = {
  en: {
    title: 'Cases',
    case: 'Case',
    caseTitle: 'Case {id}',
    status: 'Status',
    open: 'Open',
    resolved: 'Resolved',
    any: 'Any',
    none: 'No case.',
    actor: 'Actor',
    severity: 'Severity',
    score: 'Score',
    summary: 'Summary',
    alerts: 'Alerts',
    assignee: 'Assignee',
    updated: 'Updated',
    opened: 'Opened',
    facts: 'Facts',
    resolution: 'Classification',
    reason: 'Reason',
    incident: 'Incident',
    evidence: 'Alerts and their evidence',
    actionsAuto: 'Automatic responses',
    noActions: 'None.',
    undone: 'undone {t}',
    notes: 'Notes',
    noNotes: 'No note yet.',
    addNote: 'Add a note',
    note: 'Note',
    save: 'Save note',
    assign: 'Assign',
    assignTo: 'Assign to (staff id)',
    resolve: 'Close the case',
    classify: 'Close as',
    reasonHelp: '1 to 500 characters. Kept with the case; the audit log keeps a keyed hash of it.',
    resolveTitle: 'Close this case?',
    resolveBody: 'It is closed as {c}, recorded in the audit log under your name.',
    true_positive: 'True positive',
    benign: 'Benign',
    false_positive: 'False positive',
    escalate: 'Escalate to an incident',
    escalateTitle: 'Open an incident from this case?',
    escalateBody:
      "The incident's scope is the customers and data categories in this case's evidence. The privacy officer takes it from there.",
    incTitle: 'Incident title',
    where: 'Where it happened',
    measures: 'Measures taken',
    highRisk: 'High risk to the people concerned',
    escalated: 'Escalated to incident {id}.',
    back: 'All cases',
    saved: 'Saved.',
  },
  vi: {
    title: 'Vụ việc',
    case: 'Vụ việc',
    caseTitle: 'Vụ việc {id}',
    status: 'Trạng thái',
    open: 'Đang mở',
    resolved: 'Đã xử lý',
    any: 'Tất cả',
    none: 'Không có vụ việc nào.',
    actor: 'Đối tượng',
    severity: 'Mức độ',
    score: 'Điểm',
    summary: 'Tóm tắt',
    alerts: 'Cảnh báo',
    assignee: 'Người phụ trách',
    updated: 'Cập nhật',
    opened: 'Mở lúc',
    facts: 'Thông tin',
    resolution: 'Phân loại',
    reason: 'Lý do',
    incident: 'Sự cố',
    evidence: 'Các cảnh báo và bằng chứng',
    actionsAuto: 'Phản ứng tự động',
    noActions: 'Không có.',
    undone: 'đã hoàn tác {t}',
    notes: 'Ghi chú',
    noNotes: 'Chưa có ghi chú.',
    addNote: 'Thêm ghi chú',
    note: 'Ghi chú',
    save: 'Lưu ghi chú',
    assign: 'Giao việc',
    assignTo: 'Giao cho (mã nhân viên)',
    resolve: 'Đóng vụ việc',
    classify: 'Đóng với kết luận',
    reasonHelp: 'Từ 1 đến 500 ký tự. Lưu cùng vụ việc; nhật ký kiểm toán chỉ lưu giá trị băm có khóa.',
    resolveTitle: 'Đóng vụ việc này?',
    resolveBody: 'Vụ việc được đóng với kết luận {c}, ghi vào nhật ký kiểm toán dưới tên bạn.',
    true_positive: 'Đúng (vi phạm thật)',
    benign: 'Vô hại',
    false_positive: 'Báo nhầm',
    escalate: 'Chuyển thành sự cố',
    escalateTitle: 'Mở sự cố từ vụ việc này?',
    escalateBody:
      'Phạm vi sự cố gồm các khách hàng và loại dữ liệu trong bằng chứng của vụ việc. Cán bộ bảo vệ dữ liệu sẽ tiếp nhận từ đây.',
    incTitle: 'Tiêu đề sự cố',
    where: 'Nơi xảy ra',
    measures: 'Biện pháp đã thực hiện',
    highRisk: 'Rủi ro cao cho những người liên quan',
    escalated: 'Đã chuyển thành sự cố {id}.',
    back: 'Tất cả vụ việc',
    saved: 'Đã lưu.',
  },
  zh: {
    title: '案件',
    case: '案件',
    caseTitle: '案件 {id}',
    status: '状态',
    open: '未结',
    resolved: '已结',
    any: '全部',
    none: '没有案件。',
    actor: '对象',
    severity: '严重程度',
    score: '分数',
    summary: '摘要',
    alerts: '告警',
    assignee: '负责人',
    updated: '更新时间',
    opened: '开立时间',
    facts: '概况',
    resolution: '结论',
    reason: '理由',
    incident: '事件',
    evidence: '告警及其证据',
    actionsAuto: '自动响应',
    noActions: '无。',
    undone: '已于 {t} 撤销',
    notes: '备注',
    noNotes: '暂无备注。',
    addNote: '添加备注',
    note: '备注',
    save: '保存备注',
    assign: '分配',
    assignTo: '分配给（员工编号）',
    resolve: '结案',
    classify: '结案结论',
    reasonHelp: '1至500个字符。随案件保存；审计日志只保存其带密钥的哈希。',
    resolveTitle: '结案？',
    resolveBody: '案件将以“{c}”结案，并以您的名义记入审计日志。',
    true_positive: '真阳性',
    benign: '无害',
    false_positive: '误报',
    escalate: '升级为事件',
    escalateTitle: '根据此案件开立事件？',
    escalateBody: '事件范围为此案件证据中的客户和数据类别。之后由隐私官负责处理。',
    incTitle: '事件标题',
    where: '发生地点',
    measures: '已采取的措施',
    highRisk: '对相关人员构成高风险',
    escalated: '已升级为事件 {id}。',
    back: '全部案件',
    saved: '已保存。',
  },
};
