import type { Strings } from '../i18n.tsx';

/** Strings of the Reveal and Confirm components. */
export const componentStrings: Strings<
  | 'reveal'
  | 'revealTitle'
  | 'purpose'
  | 'explanation'
  | 'explanationHelp'
  | 'breakGlass'
  | 'justification'
  | 'justificationHelp'
  | 'show'
  | 'cancel'
  | 'confirm'
  | 'hidesIn'
  | 'hide'
  | 'refused'
  | 'working'
  | 'ticket_followup'
  | 'delivery_problem'
  | 'fraud_check'
> = {
  en: {
    reveal: 'Reveal {field}',
    revealTitle: 'Reveal the {field} of {subject}',
    purpose: 'Purpose',
    explanation: 'Explanation (ticket, case or assignment id)',
    explanationHelp:
      'The ticket, moderation case or assignment that gives you a reason. It is written to the audit log and shown to the customer.',
    breakGlass: 'Break the glass (no ticket covers this)',
    justification: 'Justification',
    justificationHelp: '20 to 2000 characters. Every break-glass reveal is reviewed by a second person.',
    show: 'Reveal',
    cancel: 'Cancel',
    confirm: 'Confirm',
    hidesIn: 'hidden again in {n} s',
    hide: 'Hide now',
    refused: 'Refused: {message}',
    working: 'Working…',
    ticket_followup: 'Ticket follow-up',
    delivery_problem: 'Delivery problem',
    fraud_check: 'Fraud check',
  },
  vi: {
    reveal: 'Xem {field}',
    revealTitle: 'Xem {field} của {subject}',
    purpose: 'Mục đích',
    explanation: 'Căn cứ (mã phiếu hỗ trợ, vụ việc hoặc phân công)',
    explanationHelp:
      'Phiếu hỗ trợ, vụ kiểm duyệt hoặc phân công cho bạn lý do để xem. Căn cứ này được ghi vào nhật ký kiểm toán và hiển thị cho khách hàng.',
    breakGlass: 'Truy cập khẩn cấp (không có phiếu nào bao gồm việc này)',
    justification: 'Lý do',
    justificationHelp: 'Từ 20 đến 2000 ký tự. Mọi lượt truy cập khẩn cấp đều được người thứ hai xem xét.',
    show: 'Xem',
    cancel: 'Hủy',
    confirm: 'Xác nhận',
    hidesIn: 'sẽ ẩn lại sau {n} giây',
    hide: 'Ẩn ngay',
    refused: 'Bị từ chối: {message}',
    working: 'Đang xử lý…',
    ticket_followup: 'Theo dõi phiếu hỗ trợ',
    delivery_problem: 'Sự cố giao hàng',
    fraud_check: 'Kiểm tra gian lận',
  },
  zh: {
    reveal: '查看{field}',
    revealTitle: '查看 {subject} 的{field}',
    purpose: '目的',
    explanation: '依据（工单、案件或派送任务编号）',
    explanationHelp: '给出查看理由的工单、审核案件或派送任务。它会写入审计日志，并向客户展示。',
    breakGlass: '紧急访问（没有工单涵盖此操作）',
    justification: '理由',
    justificationHelp: '20至2000个字符。每次紧急访问都由第二人复核。',
    show: '查看',
    cancel: '取消',
    confirm: '确认',
    hidesIn: '{n} 秒后再次隐藏',
    hide: '立即隐藏',
    refused: '被拒绝：{message}',
    working: '处理中…',
    ticket_followup: '工单跟进',
    delivery_problem: '配送问题',
    fraud_check: '欺诈核查',
  },
};

/** The purpose codes a reveal states (those the API and the policies know). */
export const PURPOSES = ['ticket_followup', 'delivery_problem', 'fraud_check'] as const;
