import type { Strings } from '../i18n.tsx';

export const incidentStrings: Strings<
  | 'title'
  | 'none'
  | 'list'
  | 'incident'
  | 'people'
  | 'discovered'
  | 'opened'
  | 'nextDeadline'
  | 'allMet'
  | 'back'
  | 'facts'
  | 'where'
  | 'occurred'
  | 'subjects'
  | 'categories'
  | 'jurisdictions'
  | 'highRisk'
  | 'yes'
  | 'no'
  | 'measures'
  | 'deadlines'
  | 'jurisdiction'
  | 'audience'
  | 'regulator'
  | 'individuals'
  | 'to'
  | 'law'
  | 'rule'
  | 'due'
  | 'left'
  | 'dueIn'
  | 'overdue'
  | 'met'
  | 'metAt'
  | 'markMet'
  | 'markMetTitle'
  | 'markMetBody'
  | 'decision'
  | 'decisionSummary'
  | 'decisionNoIndividuals'
  | 'notify'
  | 'notifyYes'
  | 'notifyNo'
  | 'why'
  | 'vn_regulator_72h'
  | 'vn_individuals_not_required'
  | 'gdpr33_regulator'
  | 'gdpr34_high_risk'
  | 'gdpr34_high_risk_hand'
  | 'gdpr34_not_high_risk'
  | 'pipl57_immediately'
  | 'no_rule'
  | 'documents'
  | 'languages'
  | 'report'
  | 'notice'
  | 'approvedBy'
  | 'notApproved'
  | 'approve'
  | 'approveTitle'
  | 'approveBody'
  | 'sent'
  | 'sentNone'
  | 'send'
  | 'sendTitle'
  | 'sendBody'
  | 'sendLang'
  | 'sendAuto'
  | 'sentAt'
  | 'sentBy'
  | 'sentCount'
  | 'unreachable'
  | 'byLang'
  | 'and'
> = {
  en: {
    title: 'Incidents',
    none: 'No incident.',
    list: 'Incidents, newest first',
    incident: 'Incident',
    people: 'People',
    discovered: 'Discovered',
    opened: 'Opened',
    nextDeadline: 'Next deadline',
    allMet: 'all met',
    back: 'All incidents',
    facts: 'Scope',
    where: 'Where',
    occurred: 'Occurred (estimated)',
    subjects: 'Affected customers',
    categories: 'Data exposed',
    jurisdictions: 'By jurisdiction',
    highRisk: 'High risk to the people',
    yes: 'yes',
    no: 'no',
    measures: 'Measures taken',
    deadlines: 'Deadlines',
    jurisdiction: 'Jurisdiction',
    audience: 'Who is told',
    regulator: 'regulator',
    individuals: 'individuals',
    to: 'To',
    law: 'Law',
    rule: 'Rule',
    due: 'Due',
    left: 'Time left',
    dueIn: 'due in {t}',
    overdue: 'overdue by {t}',
    met: 'met',
    metAt: 'met {t}',
    markMet: 'Mark met',
    markMetTitle: 'Mark this deadline met?',
    markMetBody: '{law}, {audience}: recorded in the audit log with your name.',
    decision: 'Notify decision',
    decisionSummary: 'Regulators to notify: {regulators}. Individuals must be told: {individuals}.',
    decisionNoIndividuals: 'none',
    notify: 'Notify',
    notifyYes: 'required',
    notifyNo: 'not required',
    why: 'Why',
    vn_regulator_72h:
      '{n} people in Vietnam: the Personal Data Protection Law asks for a notification to the A05 agency of the Ministry of Public Security within 72 hours of discovery.',
    vn_individuals_not_required:
      'The rule encoded here sets no deadline to tell the people in Vietnam; telling them is still advised when phones are exposed.',
    gdpr33_regulator:
      '{n} people in the EU: GDPR art. 33, the supervisory authority is notified within 72 hours of becoming aware.',
    gdpr34_high_risk:
      'GDPR art. 34: high risk, {contact} exposed with {identity} (targeted scams): the people are told without undue delay.',
    gdpr34_high_risk_hand:
      'GDPR art. 34: high risk, as assessed by the officer who opened the incident: the people are told without undue delay.',
    gdpr34_not_high_risk:
      'GDPR art. 34: no high risk found ({categories} exposed without the combination that enables targeted scams): the people need not be told.',
    pipl57_immediately: '{n} people in China: PIPL art. 57, notify immediately.',
    no_rule: '{n} people whose jurisdiction has no rule encoded here: a person must decide.',
    documents: 'Report and notices',
    languages: 'Language of the texts',
    report: 'Regulator report',
    notice: 'Customer notice',
    approvedBy: 'Approved by {by}, {t}',
    notApproved: 'Not approved yet',
    approve: 'Approve',
    approveTitle: 'Approve this text?',
    approveBody:
      'You approve the {doc} in {lang} exactly as it reads now. A second officer approves: not the one who opened the incident.',
    sent: 'Sent log',
    sentNone: 'The customer notices have not been sent.',
    send: 'Send the customer notices',
    sendTitle: 'Send the notices to {n} customers?',
    sendBody:
      'Each affected customer gets the approved notice by e-mail, or else by SMS. Their addresses go from the vault to the message provider only. This is done once and recorded in the audit log.',
    sendLang: 'Language',
    sendAuto: 'each in their jurisdiction’s language',
    sentAt: 'When',
    sentBy: 'By',
    sentCount: 'Sent',
    unreachable: 'Unreachable',
    byLang: 'By language',
    and: ' and ',
  },
  vi: {
    title: 'Sự cố',
    none: 'Không có sự cố.',
    list: 'Các sự cố, mới nhất trước',
    incident: 'Sự cố',
    people: 'Số người',
    discovered: 'Phát hiện',
    opened: 'Mở lúc',
    nextDeadline: 'Thời hạn gần nhất',
    allMet: 'đã hoàn thành hết',
    back: 'Tất cả sự cố',
    facts: 'Phạm vi',
    where: 'Nơi xảy ra',
    occurred: 'Thời điểm xảy ra (ước tính)',
    subjects: 'Khách hàng bị ảnh hưởng',
    categories: 'Dữ liệu bị lộ',
    jurisdictions: 'Theo khu vực pháp lý',
    highRisk: 'Rủi ro cao cho chủ thể dữ liệu',
    yes: 'có',
    no: 'không',
    measures: 'Biện pháp đã thực hiện',
    deadlines: 'Thời hạn',
    jurisdiction: 'Khu vực pháp lý',
    audience: 'Thông báo cho',
    regulator: 'cơ quan quản lý',
    individuals: 'cá nhân',
    to: 'Gửi tới',
    law: 'Luật',
    rule: 'Quy định',
    due: 'Hạn',
    left: 'Thời gian còn lại',
    dueIn: 'còn {t}',
    overdue: 'quá hạn {t}',
    met: 'đã hoàn thành',
    metAt: 'hoàn thành {t}',
    markMet: 'Đánh dấu hoàn thành',
    markMetTitle: 'Đánh dấu thời hạn này đã hoàn thành?',
    markMetBody: '{law}, {audience}: được ghi vào nhật ký kiểm toán kèm tên bạn.',
    decision: 'Quyết định thông báo',
    decisionSummary: 'Cơ quan quản lý cần thông báo: {regulators}. Phải thông báo cho cá nhân: {individuals}.',
    decisionNoIndividuals: 'không',
    notify: 'Thông báo',
    notifyYes: 'bắt buộc',
    notifyNo: 'không bắt buộc',
    why: 'Lý do',
    vn_regulator_72h:
      '{n} người ở Việt Nam: Luật Bảo vệ dữ liệu cá nhân yêu cầu thông báo cho Cục A05, Bộ Công an trong vòng 72 giờ kể từ khi phát hiện.',
    vn_individuals_not_required:
      'Quy định được mã hóa ở đây không đặt thời hạn thông báo cho người ở Việt Nam; vẫn nên thông báo khi số điện thoại bị lộ.',
    gdpr33_regulator: '{n} người ở EU: GDPR điều 33, thông báo cho cơ quan giám sát trong vòng 72 giờ kể từ khi biết.',
    gdpr34_high_risk:
      'GDPR điều 34: rủi ro cao, {contact} bị lộ cùng {identity} (lừa đảo có chủ đích): phải thông báo cho chủ thể dữ liệu không chậm trễ.',
    gdpr34_high_risk_hand:
      'GDPR điều 34: rủi ro cao theo đánh giá của người mở sự cố: phải thông báo cho chủ thể dữ liệu không chậm trễ.',
    gdpr34_not_high_risk:
      'GDPR điều 34: không có rủi ro cao ({categories} bị lộ nhưng không đủ để lừa đảo có chủ đích): không bắt buộc thông báo cho chủ thể dữ liệu.',
    pipl57_immediately: '{n} người ở Trung Quốc: PIPL điều 57, thông báo ngay lập tức.',
    no_rule: '{n} người thuộc khu vực chưa có quy định được mã hóa: cần một người quyết định.',
    documents: 'Báo cáo và thông báo',
    languages: 'Ngôn ngữ của văn bản',
    report: 'Báo cáo cho cơ quan quản lý',
    notice: 'Thông báo cho khách hàng',
    approvedBy: 'Đã duyệt bởi {by}, {t}',
    notApproved: 'Chưa được duyệt',
    approve: 'Duyệt',
    approveTitle: 'Duyệt văn bản này?',
    approveBody:
      'Bạn duyệt {doc} bằng {lang} đúng như nội dung hiện tại. Người duyệt là cán bộ thứ hai, không phải người đã mở sự cố.',
    sent: 'Nhật ký gửi',
    sentNone: 'Chưa gửi thông báo cho khách hàng.',
    send: 'Gửi thông báo cho khách hàng',
    sendTitle: 'Gửi thông báo tới {n} khách hàng?',
    sendBody:
      'Mỗi khách hàng bị ảnh hưởng nhận thông báo đã duyệt qua e-mail, nếu không có thì qua SMS. Địa chỉ của họ chỉ đi từ kho dữ liệu tới nhà cung cấp tin nhắn. Việc gửi chỉ thực hiện một lần và được ghi vào nhật ký kiểm toán.',
    sendLang: 'Ngôn ngữ',
    sendAuto: 'theo ngôn ngữ khu vực pháp lý của từng người',
    sentAt: 'Thời điểm',
    sentBy: 'Người gửi',
    sentCount: 'Đã gửi',
    unreachable: 'Không liên lạc được',
    byLang: 'Theo ngôn ngữ',
    and: ' và ',
  },
  zh: {
    title: '事件',
    none: '没有事件。',
    list: '事件（最新在前）',
    incident: '事件',
    people: '人数',
    discovered: '发现时间',
    opened: '创建时间',
    nextDeadline: '最近期限',
    allMet: '均已完成',
    back: '全部事件',
    facts: '范围',
    where: '发生地点',
    occurred: '发生时间（估计）',
    subjects: '受影响的客户',
    categories: '泄露的数据',
    jurisdictions: '按司法辖区',
    highRisk: '对个人的高风险',
    yes: '是',
    no: '否',
    measures: '已采取的措施',
    deadlines: '期限',
    jurisdiction: '司法辖区',
    audience: '通知对象',
    regulator: '监管机构',
    individuals: '个人',
    to: '接收方',
    law: '法律',
    rule: '规则',
    due: '截止',
    left: '剩余时间',
    dueIn: '剩余 {t}',
    overdue: '已逾期 {t}',
    met: '已完成',
    metAt: '完成于 {t}',
    markMet: '标记为已完成',
    markMetTitle: '将此期限标记为已完成？',
    markMetBody: '{law}，{audience}：将以您的名义记入审计日志。',
    decision: '通知决定',
    decisionSummary: '需通知的监管机构：{regulators}。必须通知个人：{individuals}。',
    decisionNoIndividuals: '无',
    notify: '通知',
    notifyYes: '必须',
    notifyNo: '不必须',
    why: '理由',
    vn_regulator_72h: '越南 {n} 人：《个人数据保护法》要求在发现后72小时内通知公安部A05局。',
    vn_individuals_not_required: '此处编码的规则未规定通知越南个人的期限；但电话号码泄露时仍建议通知。',
    gdpr33_regulator: '欧盟 {n} 人：GDPR第33条，在知悉后72小时内通知监管机构。',
    gdpr34_high_risk: 'GDPR第34条：高风险，{contact}与{identity}一同泄露（定向诈骗）：须及时通知个人。',
    gdpr34_high_risk_hand: 'GDPR第34条：经创建事件的负责人评估为高风险：须及时通知个人。',
    gdpr34_not_high_risk: 'GDPR第34条：未发现高风险（泄露了{categories}，但不足以实施定向诈骗）：无须通知个人。',
    pipl57_immediately: '中国 {n} 人：《个人信息保护法》第57条，立即通知。',
    no_rule: '{n} 人所在的司法辖区没有编码的规则：需由人员决定。',
    documents: '报告和通知',
    languages: '文本语言',
    report: '监管报告',
    notice: '客户通知',
    approvedBy: '由 {by} 于 {t} 批准',
    notApproved: '尚未批准',
    approve: '批准',
    approveTitle: '批准此文本？',
    approveBody: '您将按当前内容批准{lang}版{doc}。批准人须为另一位负责人，而非创建事件的人。',
    sent: '发送记录',
    sentNone: '客户通知尚未发送。',
    send: '发送客户通知',
    sendTitle: '向 {n} 位客户发送通知？',
    sendBody:
      '每位受影响的客户将通过电子邮件（否则通过短信）收到已批准的通知。他们的地址只从数据库发送给消息服务商。只发送一次，并记入审计日志。',
    sendLang: '语言',
    sendAuto: '按各自司法辖区的语言',
    sentAt: '时间',
    sentBy: '发送人',
    sentCount: '已发送',
    unreachable: '无法联系',
    byLang: '按语言',
    and: '和',
  },
};

/** Data categories as people say them. */
export const categoryNames: Strings<'phone' | 'email' | 'name' | 'address' | 'tracking'> = {
  en: {
    phone: 'phone numbers',
    email: 'e-mail addresses',
    name: 'names',
    address: 'addresses',
    tracking: 'tracking numbers',
  },
  vi: { phone: 'số điện thoại', email: 'địa chỉ e-mail', name: 'họ tên', address: 'địa chỉ', tracking: 'mã vận đơn' },
  zh: { phone: '电话号码', email: '电子邮件地址', name: '姓名', address: '地址', tracking: '运单号' },
};
