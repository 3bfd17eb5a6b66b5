import type { Strings } from '../i18n.tsx';
import type { Reason } from '../verify.ts';

/** Strings of the proof and key panels, shared by the access explorer and the customer's page. */
export const proofStrings: Strings<
  | 'verify'
  | 'verifying'
  | 'verified'
  | 'verifiedPinned'
  | 'verifiedServer'
  | 'failed'
  | 'proof'
  | 'index'
  | 'treeSize'
  | 'hashes'
  | 'noHashes'
  | 'key'
  | 'keyName'
  | 'fingerprint'
  | 'keyText'
  | 'keyFromServer'
  | 'keyPinned'
  | 'keyDiffers'
  | 'pinThis'
  | 'unpin'
  | 'pasteKey'
  | 'pinPasted'
  | 'badKey'
  | 'loadingKey'
> = {
  en: {
    verify: 'Verify',
    verifying: 'Verifying…',
    verified: 'Verified in this browser against checkpoint {size} signed by {name} ({fingerprint}).',
    verifiedPinned: 'The key is the one pinned in this browser.',
    verifiedServer:
      'The key came from this same server: compare its fingerprint with one obtained elsewhere, or pin a key you trust.',
    failed: 'Not verified: {reason}',
    proof: 'Inclusion proof',
    index: 'Entry index',
    treeSize: 'Tree size',
    hashes: 'Audit path (SHA-256, base64)',
    noHashes: 'none (the tree has a single entry)',
    key: 'Checkpoint key',
    keyName: 'Name',
    fingerprint: 'Fingerprint',
    keyText: 'Verifier key',
    keyFromServer:
      'Fetched from this server. Checking against a key from the server being checked is the weak point: compare it with the key your security team publishes (“cloak audit key”, or /log/key), then pin it.',
    keyPinned: 'Pinned in this browser: proofs are checked against this key, whatever the server says.',
    keyDiffers:
      'Warning: the server now presents another key than the one pinned. Proofs are still checked against the pinned key.',
    pinThis: 'Pin this key',
    unpin: 'Forget the pinned key',
    pasteKey: 'Or paste a key you trust',
    pinPasted: 'Pin',
    badKey: 'This is not a valid verifier key: {message}',
    loadingKey: 'Loading the key…',
  },
  vi: {
    verify: 'Xác minh',
    verifying: 'Đang xác minh…',
    verified: 'Đã xác minh trong trình duyệt này theo điểm kiểm tra {size} do {name} ký ({fingerprint}).',
    verifiedPinned: 'Khóa là khóa đã ghim trong trình duyệt này.',
    verifiedServer:
      'Khóa được lấy từ chính máy chủ này: hãy so dấu vân tay với một nguồn khác, hoặc ghim một khóa bạn tin cậy.',
    failed: 'Không xác minh được: {reason}',
    proof: 'Bằng chứng bao hàm',
    index: 'Số thứ tự mục',
    treeSize: 'Kích thước cây',
    hashes: 'Đường kiểm tra (SHA-256, base64)',
    noHashes: 'không có (cây chỉ có một mục)',
    key: 'Khóa điểm kiểm tra',
    keyName: 'Tên',
    fingerprint: 'Dấu vân tay',
    keyText: 'Khóa xác minh',
    keyFromServer:
      'Lấy từ máy chủ này. Kiểm tra bằng khóa do chính máy chủ đang bị kiểm tra cung cấp là điểm yếu: hãy so với khóa do đội bảo mật công bố (“cloak audit key” hoặc /log/key), rồi ghim khóa đó.',
    keyPinned: 'Đã ghim trong trình duyệt này: bằng chứng được kiểm tra theo khóa này, bất kể máy chủ nói gì.',
    keyDiffers:
      'Cảnh báo: máy chủ hiện đưa ra một khóa khác với khóa đã ghim. Bằng chứng vẫn được kiểm tra theo khóa đã ghim.',
    pinThis: 'Ghim khóa này',
    unpin: 'Bỏ khóa đã ghim',
    pasteKey: 'Hoặc dán một khóa bạn tin cậy',
    pinPasted: 'Ghim',
    badKey: 'Đây không phải là khóa xác minh hợp lệ: {message}',
    loadingKey: 'Đang tải khóa…',
  },
  zh: {
    verify: '验证',
    verifying: '正在验证…',
    verified: '已在本浏览器中根据检查点 {size} 验证，签名者 {name}（{fingerprint}）。',
    verifiedPinned: '所用密钥为本浏览器中固定的密钥。',
    verifiedServer: '密钥来自同一服务器：请将其指纹与其他渠道获得的指纹比对，或固定一个您信任的密钥。',
    failed: '未通过验证：{reason}',
    proof: '包含证明',
    index: '条目序号',
    treeSize: '树大小',
    hashes: '审计路径（SHA-256，base64）',
    noHashes: '无（树中只有一个条目）',
    key: '检查点密钥',
    keyName: '名称',
    fingerprint: '指纹',
    keyText: '验证密钥',
    keyFromServer:
      '从本服务器获取。用被检查的服务器提供的密钥来检查是薄弱环节：请与安全团队公布的密钥（“cloak audit key” 或 /log/key）比对，然后固定它。',
    keyPinned: '已固定在本浏览器中：无论服务器如何回应，证明都用此密钥检查。',
    keyDiffers: '警告：服务器现在提供的密钥与已固定的不同。证明仍用已固定的密钥检查。',
    pinThis: '固定此密钥',
    unpin: '取消固定的密钥',
    pasteKey: '或粘贴一个您信任的密钥',
    pinPasted: '固定',
    badKey: '这不是有效的验证密钥：{message}',
    loadingKey: '正在加载密钥…',
  },
};

/** Why a proof failed, in words. */
export const reasonStrings: Strings<Reason | 'network'> = {
  en: {
    unsupported: 'this browser cannot verify Ed25519 signatures (WebCrypto).',
    'bad-key': 'the verifier key is malformed.',
    'malformed-note': 'the signed checkpoint is malformed.',
    'unknown-key': 'the checkpoint is not signed by the trusted key.',
    'bad-signature': "the checkpoint's signature does not verify: it was altered, or signed by another key.",
    'malformed-checkpoint': 'the checkpoint is malformed.',
    'wrong-origin': 'the checkpoint is of another log.',
    'size-mismatch': 'the proof is for another tree size than the checkpoint.',
    'bad-proof': 'the inclusion proof does not fit this index and tree size.',
    'root-mismatch':
      "the entry and its proof do not lead to the checkpoint's root: the entry, its index or the proof was altered.",
    'index-mismatch': 'the entry names another index than the one given.',
    network: 'the proof or the checkpoint could not be loaded.',
  },
  vi: {
    unsupported: 'trình duyệt này không xác minh được chữ ký Ed25519 (WebCrypto).',
    'bad-key': 'khóa xác minh sai định dạng.',
    'malformed-note': 'điểm kiểm tra đã ký sai định dạng.',
    'unknown-key': 'điểm kiểm tra không được ký bằng khóa tin cậy.',
    'bad-signature': 'chữ ký của điểm kiểm tra không hợp lệ: nó đã bị sửa, hoặc được ký bằng khóa khác.',
    'malformed-checkpoint': 'điểm kiểm tra sai định dạng.',
    'wrong-origin': 'điểm kiểm tra thuộc về một nhật ký khác.',
    'size-mismatch': 'bằng chứng dành cho kích thước cây khác với điểm kiểm tra.',
    'bad-proof': 'bằng chứng bao hàm không khớp với số thứ tự và kích thước cây này.',
    'root-mismatch': 'mục và bằng chứng không dẫn tới gốc của điểm kiểm tra: mục, số thứ tự hoặc bằng chứng đã bị sửa.',
    'index-mismatch': 'mục ghi một số thứ tự khác với số được đưa ra.',
    network: 'không tải được bằng chứng hoặc điểm kiểm tra.',
  },
  zh: {
    unsupported: '此浏览器无法验证 Ed25519 签名（WebCrypto）。',
    'bad-key': '验证密钥格式错误。',
    'malformed-note': '已签名的检查点格式错误。',
    'unknown-key': '检查点不是由受信任的密钥签名的。',
    'bad-signature': '检查点的签名无效：它已被篡改，或由其他密钥签名。',
    'malformed-checkpoint': '检查点格式错误。',
    'wrong-origin': '检查点属于另一个日志。',
    'size-mismatch': '证明所对应的树大小与检查点不同。',
    'bad-proof': '包含证明与该序号和树大小不符。',
    'root-mismatch': '条目及其证明无法得出检查点的根：条目、序号或证明已被篡改。',
    'index-mismatch': '条目中记载的序号与给定的不同。',
    network: '无法加载证明或检查点。',
  },
};
