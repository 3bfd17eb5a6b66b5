import type { Strings } from '../i18n.tsx';

/** The access explorer's strings. */
export const accessStrings: Strings<
  | 'title'
  | 'intro'
  | 'search'
  | 'actor'
  | 'actorHelp'
  | 'subject'
  | 'purpose'
  | 'device'
  | 'kind'
  | 'anyKind'
  | 'from'
  | 'to'
  | 'clear'
  | 'results'
  | 'none'
  | 'more'
  | 'index'
  | 'at'
  | 'result'
  | 'detail'
  | 'details'
  | 'hide'
  | 'entry'
  | 'entryOf'
  | 'loadingProof'
  | 'count'
> = {
  en: {
    title: 'Access explorer',
    intro:
      'Search the tamper-evident audit log. Every entry can be proven, in this browser, to be in the log whose checkpoint is signed by the key below.',
    search: 'Search',
    actor: 'Actor',
    actorHelp: 'as logged: staff:u-17, device:dev_…, system',
    subject: 'Customer token',
    purpose: 'Purpose',
    device: 'Device',
    kind: 'Kind',
    anyKind: 'any',
    from: 'From',
    to: 'To',
    clear: 'Clear',
    results: 'Entries, newest first',
    none: 'No entry matches.',
    more: 'Older entries',
    index: '#',
    at: 'When',
    result: 'Result',
    detail: 'Field, purpose or object',
    details: 'Details',
    hide: 'Hide',
    entry: 'Entry',
    entryOf: 'Entry {index}',
    loadingProof: 'Loading the proof and the checkpoint…',
    count: '{n} entries shown',
  },
  vi: {
    title: 'Tra cứu truy cập',
    intro:
      'Tìm trong nhật ký kiểm toán chống sửa đổi. Mỗi mục đều có thể được chứng minh, ngay trong trình duyệt này, là nằm trong nhật ký có điểm kiểm tra được ký bằng khóa bên dưới.',
    search: 'Tìm',
    actor: 'Người thực hiện',
    actorHelp: 'như trong nhật ký: staff:u-17, device:dev_…, system',
    subject: 'Mã khách hàng',
    purpose: 'Mục đích',
    device: 'Thiết bị',
    kind: 'Loại',
    anyKind: 'tất cả',
    from: 'Từ',
    to: 'Đến',
    clear: 'Xóa bộ lọc',
    results: 'Các mục, mới nhất trước',
    none: 'Không có mục nào khớp.',
    more: 'Các mục cũ hơn',
    index: '#',
    at: 'Thời điểm',
    result: 'Kết quả',
    detail: 'Trường, mục đích hoặc đối tượng',
    details: 'Chi tiết',
    hide: 'Ẩn',
    entry: 'Mục',
    entryOf: 'Mục {index}',
    loadingProof: 'Đang tải bằng chứng và điểm kiểm tra…',
    count: 'Đang hiển thị {n} mục',
  },
  zh: {
    title: '访问查询',
    intro: '搜索防篡改审计日志。每个条目都可以在本浏览器中证明其属于由下方密钥签名检查点的日志。',
    search: '搜索',
    actor: '操作者',
    actorHelp: '按日志中的写法：staff:u-17、device:dev_…、system',
    subject: '客户令牌',
    purpose: '目的',
    device: '设备',
    kind: '类型',
    anyKind: '全部',
    from: '起始',
    to: '截止',
    clear: '清除',
    results: '条目（最新在前）',
    none: '没有匹配的条目。',
    more: '更早的条目',
    index: '#',
    at: '时间',
    result: '结果',
    detail: '字段、目的或对象',
    details: '详情',
    hide: '收起',
    entry: '条目',
    entryOf: '条目 {index}',
    loadingProof: '正在加载证明和检查点…',
    count: '显示 {n} 个条目',
  },
};
