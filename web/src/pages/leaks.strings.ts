import type { Strings } from '../i18n.tsx';

export const leakStrings: Strings<
  | 'title'
  | 'upload'
  | 'uploadHelp'
  | 'file'
  | 'send'
  | 'sending'
  | 'list'
  | 'none'
  | 'name'
  | 'status'
  | 'progress'
  | 'uploadedBy'
  | 'uploadedAt'
  | 'queued'
  | 'tracing'
  | 'done'
  | 'failed'
  | 'back'
  | 'detail'
  | 'sha256'
  | 'bytes'
  | 'traceProgress'
  | 'rowsRead'
  | 'rowsMatched'
  | 'rowsSkipped'
  | 'format'
  | 'columns'
  | 'column'
  | 'category'
  | 'confidence'
  | 'victims'
  | 'victimsCount'
  | 'tokens'
  | 'tokensShown'
  | 'categories'
  | 'values'
  | 'canaries'
  | 'noCanary'
  | 'channel'
  | 'sources'
  | 'noSource'
  | 'rank'
  | 'kind'
  | 'source'
  | 'coverage'
  | 'precision'
  | 'score'
  | 'evidence'
  | 'htmlReport'
  | 'openIncident'
  | 'incidentHelp'
  | 'incTitle'
  | 'incWhere'
  | 'incMeasures'
  | 'incOpen'
  | 'incOpened'
  | 'failedWhy'
  | 'device'
  | 'staff'
  | 'export'
> = {
  en: {
    title: 'Leak investigations',
    upload: 'Trace a leaked file',
    uploadHelp:
      'CSV/TSV, NDJSON, JSON, SQL dump or XLSX. The file is kept as evidence (with its SHA-256) and traced in the background.',
    file: 'Leaked file',
    send: 'Upload and trace',
    sending: 'Uploading…',
    list: 'Investigations',
    none: 'No investigation yet.',
    name: 'File',
    status: 'Status',
    progress: 'Progress',
    uploadedBy: 'Uploaded by',
    uploadedAt: 'Uploaded',
    queued: 'queued',
    tracing: 'tracing',
    done: 'done',
    failed: 'failed',
    back: 'All investigations',
    detail: 'Investigation {name}',
    sha256: 'SHA-256',
    bytes: 'Size',
    traceProgress: 'Trace progress',
    rowsRead: 'Rows read',
    rowsMatched: 'Rows matched',
    rowsSkipped: 'Rows skipped',
    format: 'Format',
    columns: 'Columns found',
    column: 'Column',
    category: 'Category',
    confidence: 'Confidence',
    victims: 'Affected customers',
    victimsCount: '{n} affected customers',
    tokens: 'Their vault tokens',
    tokensShown: '(the first {n})',
    categories: 'Data categories exposed',
    values: '{n} values',
    canaries: 'Canary hits',
    noCanary: 'No canary in this file.',
    channel: 'Channel',
    sources: 'Likely sources, best first',
    noSource: 'No source had enough of this set to be named.',
    rank: '#',
    kind: 'Kind',
    source: 'Source',
    coverage: 'Coverage',
    precision: 'Precision',
    score: 'Score',
    evidence: 'Evidence',
    htmlReport: 'Download the report (HTML)',
    openIncident: 'Open an incident',
    incidentHelp:
      'The incident takes this file’s affected customers and data categories; the deadlines follow from where they are.',
    incTitle: 'Title',
    incWhere: 'Where it happened',
    incMeasures: 'Measures taken',
    incOpen: 'Open the incident',
    incOpened: 'Incident opened:',
    failedWhy: 'This file could not be traced: {error}',
    device: 'device',
    staff: 'staff',
    export: 'export',
  },
  vi: {
    title: 'Điều tra rò rỉ',
    upload: 'Truy vết tệp bị rò rỉ',
    uploadHelp:
      'CSV/TSV, NDJSON, JSON, bản dump SQL hoặc XLSX. Tệp được giữ làm bằng chứng (kèm SHA-256) và được truy vết ở chế độ nền.',
    file: 'Tệp bị rò rỉ',
    send: 'Tải lên và truy vết',
    sending: 'Đang tải lên…',
    list: 'Các cuộc điều tra',
    none: 'Chưa có cuộc điều tra nào.',
    name: 'Tệp',
    status: 'Trạng thái',
    progress: 'Tiến độ',
    uploadedBy: 'Người tải lên',
    uploadedAt: 'Thời điểm tải lên',
    queued: 'đang chờ',
    tracing: 'đang truy vết',
    done: 'xong',
    failed: 'thất bại',
    back: 'Tất cả cuộc điều tra',
    detail: 'Cuộc điều tra {name}',
    sha256: 'SHA-256',
    bytes: 'Kích thước',
    traceProgress: 'Tiến độ truy vết',
    rowsRead: 'Số dòng đã đọc',
    rowsMatched: 'Số dòng khớp',
    rowsSkipped: 'Số dòng bỏ qua',
    format: 'Định dạng',
    columns: 'Các cột tìm thấy',
    column: 'Cột',
    category: 'Loại dữ liệu',
    confidence: 'Độ tin cậy',
    victims: 'Khách hàng bị ảnh hưởng',
    victimsCount: '{n} khách hàng bị ảnh hưởng',
    tokens: 'Mã token trong kho dữ liệu',
    tokensShown: '({n} mã đầu tiên)',
    categories: 'Loại dữ liệu bị lộ',
    values: '{n} giá trị',
    canaries: 'Dữ liệu mồi bị phát hiện',
    noCanary: 'Tệp này không chứa dữ liệu mồi.',
    channel: 'Kênh',
    sources: 'Nguồn khả nghi, theo thứ tự',
    noSource: 'Không nguồn nào nắm đủ dữ liệu này để được nêu tên.',
    rank: '#',
    kind: 'Loại',
    source: 'Nguồn',
    coverage: 'Độ bao phủ',
    precision: 'Độ chính xác',
    score: 'Điểm',
    evidence: 'Bằng chứng',
    htmlReport: 'Tải báo cáo (HTML)',
    openIncident: 'Mở sự cố',
    incidentHelp:
      'Sự cố lấy danh sách khách hàng bị ảnh hưởng và loại dữ liệu của tệp này; thời hạn được tính theo nơi họ ở.',
    incTitle: 'Tiêu đề',
    incWhere: 'Nơi xảy ra',
    incMeasures: 'Biện pháp đã thực hiện',
    incOpen: 'Mở sự cố',
    incOpened: 'Đã mở sự cố:',
    failedWhy: 'Không truy vết được tệp này: {error}',
    device: 'thiết bị',
    staff: 'nhân viên',
    export: 'bản xuất',
  },
  zh: {
    title: '泄露调查',
    upload: '追踪泄露文件',
    uploadHelp: '支持 CSV/TSV、NDJSON、JSON、SQL 转储或 XLSX。文件（及其 SHA-256）作为证据保存，并在后台追踪。',
    file: '泄露文件',
    send: '上传并追踪',
    sending: '上传中…',
    list: '调查列表',
    none: '暂无调查。',
    name: '文件',
    status: '状态',
    progress: '进度',
    uploadedBy: '上传者',
    uploadedAt: '上传时间',
    queued: '排队中',
    tracing: '追踪中',
    done: '已完成',
    failed: '失败',
    back: '全部调查',
    detail: '调查 {name}',
    sha256: 'SHA-256',
    bytes: '大小',
    traceProgress: '追踪进度',
    rowsRead: '已读行数',
    rowsMatched: '匹配行数',
    rowsSkipped: '跳过行数',
    format: '格式',
    columns: '识别出的列',
    column: '列',
    category: '类别',
    confidence: '置信度',
    victims: '受影响的客户',
    victimsCount: '{n} 位受影响的客户',
    tokens: '他们的数据库令牌',
    tokensShown: '（前 {n} 个）',
    categories: '泄露的数据类别',
    values: '{n} 个值',
    canaries: '诱饵数据命中',
    noCanary: '此文件中没有诱饵数据。',
    channel: '渠道',
    sources: '可能的来源（按可能性排序）',
    noSource: '没有来源掌握足够多的这些数据。',
    rank: '#',
    kind: '类型',
    source: '来源',
    coverage: '覆盖率',
    precision: '精确率',
    score: '得分',
    evidence: '证据',
    htmlReport: '下载报告（HTML）',
    openIncident: '创建事件',
    incidentHelp: '事件将采用此文件中受影响的客户和数据类别；期限根据他们所在的地区确定。',
    incTitle: '标题',
    incWhere: '发生地点',
    incMeasures: '已采取的措施',
    incOpen: '创建事件',
    incOpened: '已创建事件：',
    failedWhy: '无法追踪此文件：{error}',
    device: '设备',
    staff: '员工',
    export: '导出',
  },
};
