import type { Strings } from './i18n.tsx';

/** The shell's strings: sign-in, navigation, common words. */
export const shell: Strings<
  | 'product'
  | 'signIn'
  | 'signInHelp'
  | 'token'
  | 'signOut'
  | 'language'
  | 'signedInAs'
  | 'badToken'
  | 'loading'
  | 'error'
  | 'notAllowed'
  | 'skip'
  | 'nav'
  | 'retry'
> = {
  en: {
    product: 'Cloak',
    signIn: 'Sign in',
    signInHelp: 'Paste your staff sign-in token (cst.…). It stays in this tab only.',
    token: 'Staff token',
    signOut: 'Sign out',
    language: 'Language',
    signedInAs: 'Signed in as {id} ({role})',
    badToken: 'This token was not accepted: check it and try again.',
    loading: 'Loading…',
    error: 'Could not load: {message}',
    notAllowed: 'Your role does not give access to this page.',
    skip: 'Skip to content',
    nav: 'Main',
    retry: 'Retry',
  },
  vi: {
    product: 'Cloak',
    signIn: 'Đăng nhập',
    signInHelp: 'Dán mã đăng nhập nhân viên (cst.…). Mã chỉ được giữ trong thẻ này.',
    token: 'Mã nhân viên',
    signOut: 'Đăng xuất',
    language: 'Ngôn ngữ',
    signedInAs: 'Đăng nhập: {id} ({role})',
    badToken: 'Mã này không được chấp nhận: kiểm tra và thử lại.',
    loading: 'Đang tải…',
    error: 'Không tải được: {message}',
    notAllowed: 'Vai trò của bạn không được xem trang này.',
    skip: 'Chuyển đến nội dung',
    nav: 'Chính',
    retry: 'Thử lại',
  },
  zh: {
    product: 'Cloak',
    signIn: '登录',
    signInHelp: '粘贴您的员工登录令牌（cst.…）。它只保存在此标签页中。',
    token: '员工令牌',
    signOut: '退出',
    language: '语言',
    signedInAs: '已登录：{id}（{role}）',
    badToken: '此令牌未被接受：请检查后重试。',
    loading: '加载中…',
    error: '无法加载：{message}',
    notAllowed: '您的角色无权访问此页面。',
    skip: '跳到内容',
    nav: '主菜单',
    retry: '重试',
  },
};
