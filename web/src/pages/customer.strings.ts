import type { Strings } from '../i18n.tsx';

/** The customer's own page: who accessed their data, and "was I affected?". */
export const customerStrings: Strings<
  | 'title'
  | 'intro'
  | 'accesses'
  | 'accessesIntro'
  | 'refused'
  | 'refusedIntro'
  | 'noAccess'
  | 'noRefused'
  | 'when'
  | 'who'
  | 'field'
  | 'purpose'
  | 'result'
  | 'proof'
  | 'noLink'
  | 'expired'
  | 'invalid'
  | 'checkpoint'
  | 'affectedTitle'
  | 'affectedIntro'
  | 'identifier'
  | 'sendCode'
  | 'sent'
  | 'code'
  | 'check'
  | 'startAgain'
  | 'badIdentifier'
  | 'wrongCode'
  | 'tooMany'
  | 'failed'
  | 'notAffected'
  | 'affected'
  | 'discovered'
  | 'dataConcerned'
  | 'adviceScam'
  | 'adviceGeneral'
  | 'ok'
  | 'break_glass'
  | 'denied'
> = {
  en: {
    title: 'Your data: who looked at it, and why',
    intro:
      'Every time someone at the company sees one of your details in clear, it is written in a log that cannot be changed quietly. This page lists those accesses and checks each of them, in your browser, against the log’s signed checkpoint.',
    accesses: 'Accesses to your data',
    accessesIntro: 'Each line is one detail shown to one person, with the reason they gave.',
    refused: 'Refused attempts',
    refusedIntro: 'Someone asked to see a detail and was refused: nothing was shown.',
    noAccess: 'Nobody has seen your details in clear.',
    noRefused: 'No refused attempt.',
    when: 'When',
    who: 'Who (role)',
    field: 'Which detail',
    purpose: 'Why',
    result: 'Outcome',
    proof: 'Proof',
    noLink:
      'Open this page from the link in your account (it holds a short-lived access code). You can still check below whether a data breach affected you.',
    expired: 'This link has expired. Open your account page again to get a new one.',
    invalid: 'This link is not valid. Open your account page again to get a new one.',
    checkpoint: 'Checked against checkpoint {size} of the log.',
    affectedTitle: 'Was I affected?',
    affectedIntro:
      'Give the phone number or e-mail address you use with us. We send a one-time code to it, and tell you something only once you enter that code, so nobody can use this to learn about you.',
    identifier: 'Phone number or e-mail address',
    sendCode: 'Send me a code',
    sent: 'If this is a valid phone number or e-mail address, a code is on its way. It expires in 10 minutes.',
    code: 'The 6-digit code',
    check: 'Check',
    startAgain: 'Start again',
    badIdentifier: 'Please give a phone number or an e-mail address.',
    wrongCode: 'This code is wrong or has expired. Check it, or start again for a new code.',
    tooMany: 'Too many checks for now. Please try again in an hour.',
    failed: 'Something went wrong: {message}',
    notAffected: 'No incident we know of involved this phone number or e-mail address.',
    affected: 'Yes: this phone number or e-mail address was part of {n} incident(s).',
    discovered: 'Discovered on {date}',
    dataConcerned: 'Data concerned',
    adviceScam:
      'Expect scam calls or messages that quote a real tracking number or order. We never ask for codes, passwords or payments by phone: hang up and call our official number.',
    adviceGeneral:
      'Be wary of messages that use your details to seem genuine. We never ask for codes, passwords or payments.',
    ok: 'Shown',
    break_glass: 'Shown in an emergency (reviewed afterwards)',
    denied: 'Refused',
  },
  vi: {
    title: 'Dữ liệu của bạn: ai đã xem, và vì sao',
    intro:
      'Mỗi lần có người trong công ty xem rõ một thông tin của bạn, việc đó được ghi vào một nhật ký không thể bị sửa lén. Trang này liệt kê các lần truy cập đó và kiểm tra từng lần, ngay trong trình duyệt của bạn, theo điểm kiểm tra đã ký của nhật ký.',
    accesses: 'Các lần truy cập dữ liệu của bạn',
    accessesIntro: 'Mỗi dòng là một thông tin được hiển thị cho một người, cùng lý do họ đưa ra.',
    refused: 'Các lần bị từ chối',
    refusedIntro: 'Có người yêu cầu xem một thông tin và đã bị từ chối: không có gì được hiển thị.',
    noAccess: 'Chưa ai xem rõ thông tin của bạn.',
    noRefused: 'Không có lần nào bị từ chối.',
    when: 'Thời điểm',
    who: 'Ai (vai trò)',
    field: 'Thông tin nào',
    purpose: 'Lý do',
    result: 'Kết quả',
    proof: 'Bằng chứng',
    noLink:
      'Hãy mở trang này từ đường liên kết trong tài khoản của bạn (liên kết chứa một mã truy cập ngắn hạn). Bạn vẫn có thể kiểm tra bên dưới xem mình có bị ảnh hưởng bởi một vụ lộ dữ liệu không.',
    expired: 'Liên kết này đã hết hạn. Hãy mở lại trang tài khoản để nhận liên kết mới.',
    invalid: 'Liên kết này không hợp lệ. Hãy mở lại trang tài khoản để nhận liên kết mới.',
    checkpoint: 'Đã kiểm tra theo điểm kiểm tra {size} của nhật ký.',
    affectedTitle: 'Tôi có bị ảnh hưởng không?',
    affectedIntro:
      'Nhập số điện thoại hoặc địa chỉ e-mail bạn dùng với chúng tôi. Chúng tôi gửi một mã dùng một lần tới đó, và chỉ trả lời khi bạn nhập mã này, để không ai dùng được trang này để tìm hiểu về bạn.',
    identifier: 'Số điện thoại hoặc địa chỉ e-mail',
    sendCode: 'Gửi mã cho tôi',
    sent: 'Nếu đây là số điện thoại hoặc địa chỉ e-mail hợp lệ, mã đang được gửi tới. Mã hết hạn sau 10 phút.',
    code: 'Mã gồm 6 chữ số',
    check: 'Kiểm tra',
    startAgain: 'Làm lại từ đầu',
    badIdentifier: 'Vui lòng nhập số điện thoại hoặc địa chỉ e-mail.',
    wrongCode: 'Mã này sai hoặc đã hết hạn. Hãy kiểm tra lại, hoặc làm lại từ đầu để nhận mã mới.',
    tooMany: 'Bạn đã kiểm tra quá nhiều lần. Vui lòng thử lại sau một giờ.',
    failed: 'Đã có lỗi: {message}',
    notAffected: 'Không có sự cố nào mà chúng tôi biết liên quan đến số điện thoại hoặc địa chỉ e-mail này.',
    affected: 'Có: số điện thoại hoặc địa chỉ e-mail này nằm trong {n} sự cố.',
    discovered: 'Phát hiện ngày {date}',
    dataConcerned: 'Dữ liệu liên quan',
    adviceScam:
      'Hãy cảnh giác với cuộc gọi hoặc tin nhắn lừa đảo nêu đúng mã vận đơn hay đơn hàng của bạn. Chúng tôi không bao giờ hỏi mã, mật khẩu hay yêu cầu thanh toán qua điện thoại: hãy cúp máy và gọi số chính thức của chúng tôi.',
    adviceGeneral:
      'Hãy cảnh giác với tin nhắn dùng thông tin của bạn để tỏ ra đáng tin. Chúng tôi không bao giờ hỏi mã, mật khẩu hay yêu cầu thanh toán.',
    ok: 'Đã hiển thị',
    break_glass: 'Hiển thị khẩn cấp (được xem xét sau)',
    denied: 'Bị từ chối',
  },
  zh: {
    title: '您的数据：谁查看过，为什么',
    intro:
      '公司里任何人每次看到您的某项明文信息，都会被写入一份无法被悄悄修改的日志。本页列出这些访问，并在您的浏览器中根据日志的签名检查点逐条核验。',
    accesses: '对您数据的访问',
    accessesIntro: '每一行表示向某人显示了您的一项信息，以及其给出的理由。',
    refused: '被拒绝的尝试',
    refusedIntro: '有人请求查看某项信息但被拒绝：没有显示任何内容。',
    noAccess: '没有人看过您的明文信息。',
    noRefused: '没有被拒绝的尝试。',
    when: '时间',
    who: '谁（角色）',
    field: '哪项信息',
    purpose: '原因',
    result: '结果',
    proof: '证明',
    noLink: '请从您账户中的链接打开本页（链接中含有短期有效的访问码）。您仍可在下方查询自己是否受到数据泄露的影响。',
    expired: '此链接已过期。请重新打开您的账户页面获取新链接。',
    invalid: '此链接无效。请重新打开您的账户页面获取新链接。',
    checkpoint: '已根据日志的检查点 {size} 核验。',
    affectedTitle: '我受影响了吗？',
    affectedIntro:
      '请输入您在我们这里使用的电话号码或电子邮件地址。我们会向其发送一次性验证码，只有在您输入该验证码后才会告诉您结果，因此任何人都无法借此了解您的情况。',
    identifier: '电话号码或电子邮件地址',
    sendCode: '发送验证码',
    sent: '如果这是有效的电话号码或电子邮件地址，验证码正在发送中。验证码 10 分钟后失效。',
    code: '6 位验证码',
    check: '查询',
    startAgain: '重新开始',
    badIdentifier: '请输入电话号码或电子邮件地址。',
    wrongCode: '验证码错误或已过期。请检查，或重新开始获取新的验证码。',
    tooMany: '查询次数过多。请一小时后再试。',
    failed: '出错了：{message}',
    notAffected: '我们所知的任何事件都不涉及此电话号码或电子邮件地址。',
    affected: '是的：此电话号码或电子邮件地址涉及 {n} 起事件。',
    discovered: '发现于 {date}',
    dataConcerned: '涉及的数据',
    adviceScam:
      '请警惕引用真实运单号或订单的诈骗电话或短信。我们绝不会通过电话索要验证码、密码或付款：请挂断并拨打我们的官方电话。',
    adviceGeneral: '请警惕利用您的信息冒充正规来源的消息。我们绝不会索要验证码、密码或付款。',
    ok: '已显示',
    break_glass: '紧急情况下显示（事后审查）',
    denied: '已拒绝',
  },
};

/** Words for the codes the report and the affected check use; an unknown code is shown as it is. */
export const codeWords: Record<'en' | 'vi' | 'zh', Record<string, string>> = {
  en: {
    phone: 'phone number',
    email: 'e-mail address',
    name: 'name',
    address: 'address',
    tracking: 'tracking numbers',
    orders: 'orders',
    support: 'support agent',
    courier: 'courier',
    analyst: 'security analyst',
    investigator: 'investigator',
    privacy: 'privacy officer',
    admin: 'administrator',
    supervisor: 'supervisor',
    seller: 'seller',
    moderator: 'moderator',
    ticket_followup: 'following up a support ticket',
    delivery: 'delivering a parcel',
    fraud_check: 'a fraud check',
    investigation: 'a security investigation',
    moderation: 'moderating reviews',
  },
  vi: {
    phone: 'số điện thoại',
    email: 'địa chỉ e-mail',
    name: 'họ tên',
    address: 'địa chỉ',
    tracking: 'mã vận đơn',
    orders: 'đơn hàng',
    support: 'nhân viên hỗ trợ',
    courier: 'nhân viên giao hàng',
    analyst: 'chuyên viên an ninh',
    investigator: 'điều tra viên',
    privacy: 'cán bộ bảo vệ dữ liệu',
    admin: 'quản trị viên',
    supervisor: 'giám sát viên',
    seller: 'người bán',
    moderator: 'người kiểm duyệt',
    ticket_followup: 'xử lý yêu cầu hỗ trợ',
    delivery: 'giao bưu kiện',
    fraud_check: 'kiểm tra gian lận',
    investigation: 'điều tra an ninh',
    moderation: 'kiểm duyệt đánh giá',
  },
  zh: {
    phone: '电话号码',
    email: '电子邮件地址',
    name: '姓名',
    address: '地址',
    tracking: '运单号',
    orders: '订单',
    support: '客服人员',
    courier: '快递员',
    analyst: '安全分析师',
    investigator: '调查员',
    privacy: '隐私官',
    admin: '管理员',
    supervisor: '主管',
    seller: '卖家',
    moderator: '审核员',
    ticket_followup: '跟进客服工单',
    delivery: '派送包裹',
    fraud_check: '欺诈核查',
    investigation: '安全调查',
    moderation: '审核评价',
  },
};
