import type { Strings } from '../i18n.tsx';

export const alertStrings: Strings<
  | 'title'
  | 'filters'
  | 'severity'
  | 'status'
  | 'rule'
  | 'actor'
  | 'actorHelp'
  | 'any'
  | 'open'
  | 'resolved'
  | 'high'
  | 'medium'
  | 'low'
  | 'apply'
  | 'clear'
  | 'at'
  | 'score'
  | 'summary'
  | 'case'
  | 'assignee'
  | 'classification'
  | 'selectAll'
  | 'selectRow'
  | 'none'
  | 'count'
  | 'selected'
  | 'bulk'
  | 'assignTo'
  | 'assign'
  | 'classify'
  | 'reason'
  | 'reasonHelp'
  | 'close'
  | 'true_positive'
  | 'benign'
  | 'false_positive'
  | 'done'
  | 'closeTitle'
  | 'closeBody'
> = {
  en: {
    title: 'Alert queue',
    filters: 'Filters',
    severity: 'Severity',
    status: 'Case status',
    rule: 'Rule',
    actor: 'Actor',
    actorHelp: 'e.g. device:dev_… or staff:an-1',
    any: 'Any',
    open: 'Open',
    resolved: 'Resolved',
    high: 'High',
    medium: 'Medium',
    low: 'Low',
    apply: 'Apply',
    clear: 'Clear filters',
    at: 'When',
    score: 'Score',
    summary: 'Summary',
    case: 'Case',
    assignee: 'Assignee',
    classification: 'Classification',
    selectAll: 'Select every alert shown',
    selectRow: 'Select the {rule} alert of {actor} at {at}',
    none: 'No alert matches these filters.',
    count: '{n} alerts',
    selected: '{n} alerts selected, in {m} cases',
    bulk: 'Act on the selected cases',
    assignTo: 'Assign to (staff id)',
    assign: 'Assign',
    classify: 'Close as',
    reason: 'Reason',
    reasonHelp: '1 to 500 characters. Kept with the case; the audit log keeps a keyed hash of it.',
    close: 'Close cases',
    true_positive: 'True positive',
    benign: 'Benign',
    false_positive: 'False positive',
    done: 'Done: {n} cases changed.',
    closeTitle: 'Close {m} cases?',
    closeBody: 'Every alert of these cases is closed as {c}. This is recorded in the audit log under your name.',
  },
  vi: {
    title: 'Hàng đợi cảnh báo',
    filters: 'Bộ lọc',
    severity: 'Mức độ',
    status: 'Trạng thái vụ việc',
    rule: 'Quy tắc',
    actor: 'Đối tượng',
    actorHelp: 'ví dụ device:dev_… hoặc staff:an-1',
    any: 'Tất cả',
    open: 'Đang mở',
    resolved: 'Đã xử lý',
    high: 'Cao',
    medium: 'Trung bình',
    low: 'Thấp',
    apply: 'Áp dụng',
    clear: 'Xóa bộ lọc',
    at: 'Thời điểm',
    score: 'Điểm',
    summary: 'Tóm tắt',
    case: 'Vụ việc',
    assignee: 'Người phụ trách',
    classification: 'Phân loại',
    selectAll: 'Chọn tất cả cảnh báo đang hiển thị',
    selectRow: 'Chọn cảnh báo {rule} của {actor} lúc {at}',
    none: 'Không có cảnh báo nào khớp bộ lọc.',
    count: '{n} cảnh báo',
    selected: 'Đã chọn {n} cảnh báo, thuộc {m} vụ việc',
    bulk: 'Xử lý các vụ việc đã chọn',
    assignTo: 'Giao cho (mã nhân viên)',
    assign: 'Giao việc',
    classify: 'Đóng với kết luận',
    reason: 'Lý do',
    reasonHelp: 'Từ 1 đến 500 ký tự. Lưu cùng vụ việc; nhật ký kiểm toán chỉ lưu giá trị băm có khóa.',
    close: 'Đóng vụ việc',
    true_positive: 'Đúng (vi phạm thật)',
    benign: 'Vô hại',
    false_positive: 'Báo nhầm',
    done: 'Xong: đã thay đổi {n} vụ việc.',
    closeTitle: 'Đóng {m} vụ việc?',
    closeBody:
      'Mọi cảnh báo của các vụ việc này được đóng với kết luận {c}. Thao tác được ghi vào nhật ký kiểm toán dưới tên bạn.',
  },
  zh: {
    title: '告警队列',
    filters: '筛选',
    severity: '严重程度',
    status: '案件状态',
    rule: '规则',
    actor: '对象',
    actorHelp: '例如 device:dev_… 或 staff:an-1',
    any: '全部',
    open: '未结',
    resolved: '已结',
    high: '高',
    medium: '中',
    low: '低',
    apply: '应用',
    clear: '清除筛选',
    at: '时间',
    score: '分数',
    summary: '摘要',
    case: '案件',
    assignee: '负责人',
    classification: '结论',
    selectAll: '选择显示的全部告警',
    selectRow: '选择 {actor} 在 {at} 的 {rule} 告警',
    none: '没有符合筛选条件的告警。',
    count: '{n} 条告警',
    selected: '已选 {n} 条告警，涉及 {m} 个案件',
    bulk: '处理所选案件',
    assignTo: '分配给（员工编号）',
    assign: '分配',
    classify: '结案结论',
    reason: '理由',
    reasonHelp: '1至500个字符。随案件保存；审计日志只保存其带密钥的哈希。',
    close: '结案',
    true_positive: '真阳性',
    benign: '无害',
    false_positive: '误报',
    done: '完成：已更改 {n} 个案件。',
    closeTitle: '结案 {m} 个案件？',
    closeBody: '这些案件的所有告警将以“{c}”结案。此操作以您的名义记入审计日志。',
  },
};
