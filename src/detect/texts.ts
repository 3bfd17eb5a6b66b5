/*
 * What an alert says, in the dashboard's three languages: one sentence on what was unusual
 * compared with what (peers, the actor's own past), and one on what would have explained it.
 * Evidence notes come from the same table. Values inserted are ids, counts and dates only:
 * the engine never holds personal data.
 */

export const LANGS = ['en', 'vi', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
export type Said = { readonly summary: string; readonly wouldExplain: string };
export type AlertTexts = Readonly<Record<Lang, Said>>;
/** A value put in a sentence: the same in every language, or one per language. */
type V = string | number | Readonly<Record<Lang, string>>;
type P = Readonly<Record<string, V>>;

const fill = (s: string, p: P, l: Lang) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = p[k];
    return v === undefined ? `{${k}}` : typeof v === 'object' ? v[l] : String(v);
  });

const T: Record<string, Record<Lang, [summary: string, wouldExplain: string]>> = {
  'lookup-without-scan': {
    en: [
      'device {who} read {n} parcels it never scanned and that are not routed to its station, in 24 hours; devices like it leave about {expected} of that many reads unexplained',
      'a scan of the parcel by this device, or the parcel routed to or scanned at its station',
    ],
    vi: [
      'thiết bị {who} đã đọc {n} bưu kiện trong 24 giờ mà nó chưa từng quét và không được định tuyến đến trạm của nó; các thiết bị tương tự chỉ có khoảng {expected} lượt đọc không giải thích được trên cùng số lượt đọc',
      'thiết bị này đã quét bưu kiện, hoặc bưu kiện được định tuyến đến hay quét tại trạm của nó',
    ],
    zh: [
      '设备 {who} 在 24 小时内读取了 {n} 个它从未扫描、也未路由到其站点的包裹；同类设备在同样多的读取中通常只有约 {expected} 次无法解释',
      '该设备扫描过此包裹，或包裹被路由到其站点或在其站点被扫描',
    ],
  },
  'unknown-build-then-reads': {
    en: [
      'device {who} reported build {build}, which no other device runs, and then read {n} parcels it never scanned in 24 hours',
      'the build rolled out to other devices as well, and scans behind each read',
    ],
    vi: [
      'thiết bị {who} báo cáo phiên bản {build} mà không thiết bị nào khác chạy, rồi đọc {n} bưu kiện chưa từng quét trong 24 giờ',
      'phiên bản được triển khai cho các thiết bị khác, và mỗi lượt đọc có lượt quét tương ứng',
    ],
    zh: [
      '设备 {who} 报告了没有其他设备运行的版本 {build}，随后在 24 小时内读取了 {n} 个从未扫描的包裹',
      '该版本同样推送到其他设备，且每次读取都有对应的扫描',
    ],
  },
  'parcel-lookup-without-assignment': {
    en: [
      '{role} {who} read {n} parcels in 24 hours with no assignment, ticket or station of theirs behind them; peers of that role leave about {expected} of that many reads unexplained',
      'an assignment of the parcel to them, a ticket for its customer, or the parcel routed through their station',
    ],
    vi: [
      '{role} {who} đã đọc {n} bưu kiện trong 24 giờ mà không có phân công, phiếu hỗ trợ hay trạm nào của họ liên quan; đồng nghiệp cùng vai trò chỉ có khoảng {expected} lượt không giải thích được',
      'bưu kiện được phân công cho họ, một phiếu hỗ trợ cho khách hàng, hoặc bưu kiện đi qua trạm của họ',
    ],
    zh: [
      '{role} {who} 在 24 小时内读取了 {n} 个包裹，没有任何分配、工单或其所属站点作为依据；同角色的同事在同样多的读取中通常只有约 {expected} 次无法解释',
      '包裹分配给了他们、有该客户的工单，或包裹经过他们的站点',
    ],
  },
  'access-without-explanation': {
    en: [
      '{role} {who} read {n} customers in 24 hours with no ticket, assignment, grant or earlier contact of theirs; peers of that role leave about {expected} of that many reads unexplained',
      'a ticket or case for the customer assigned to them or their team, an assignment, or an earlier contact',
    ],
    vi: [
      '{role} {who} đã xem {n} khách hàng trong 24 giờ mà không có phiếu hỗ trợ, phân công, quyền truy cập hay liên hệ trước đó; đồng nghiệp cùng vai trò chỉ có khoảng {expected} lượt không giải thích được',
      'một phiếu hỗ trợ hoặc hồ sơ của khách hàng giao cho họ hay nhóm của họ, một phân công, hoặc một liên hệ trước đó',
    ],
    zh: [
      '{role} {who} 在 24 小时内查看了 {n} 位客户，没有其工单、分配、授权或先前联系作为依据；同角色的同事在同样多的查看中通常只有约 {expected} 次无法解释',
      '分配给他们或其团队的该客户工单或案件、一项分配，或先前的联系',
    ],
  },
  'review-broker': {
    en: [
      '{who} {what} within a week; moderation and support work clears spam of mixed ratings and does not reveal reviewers',
      'a ticket for each reviewer revealed, and deletions that follow the review policy (spam waves, abuse) rather than one seller’s bad ratings',
    ],
    vi: [
      '{who} {what} trong vòng một tuần; công việc kiểm duyệt và hỗ trợ thông thường chỉ xoá spam với đủ loại điểm và không xem thông tin người đánh giá',
      'một phiếu hỗ trợ cho mỗi người đánh giá được xem, và việc xoá theo chính sách (spam, lạm dụng) chứ không nhắm vào đánh giá xấu của một người bán',
    ],
    zh: [
      '{who} 在一周内{what}；正常的审核和客服工作清理的是评分混杂的垃圾评论，且不查看评论者信息',
      '每位被查看的评论者都有工单，删除遵循评论政策（垃圾评论、辱骂），而不是针对某个卖家的差评',
    ],
  },
  'break-glass-abuse': {
    en: [
      '{who} broke the glass for {n} different customers in 24 hours with no ticket following and no incident others were working; other {role} staff: at most {peer} a day',
      'a ticket for the same customer within the hour, or an incident in which colleagues broke the glass too',
    ],
    vi: [
      '{who} đã dùng quyền khẩn cấp cho {n} khách hàng khác nhau trong 24 giờ mà không có phiếu hỗ trợ theo sau và không có sự cố nào người khác cùng xử lý; các nhân viên {role} khác: nhiều nhất {peer} lần một ngày',
      'một phiếu hỗ trợ cho cùng khách hàng trong vòng một giờ, hoặc một sự cố mà đồng nghiệp cũng dùng quyền khẩn cấp',
    ],
    zh: [
      '{who} 在 24 小时内对 {n} 位不同客户使用了紧急访问，之后没有工单，也没有同事共同处理的事件；其他 {role} 人员：每天最多 {peer} 次',
      '一小时内有同一客户的工单，或同事也使用了紧急访问的事件',
    ],
  },
  'unusual-export': {
    en: [
      '{who} exported {dataset}: {reasons}',
      'an export of the size this person and their peers usually make, to a recipient they already use',
    ],
    vi: [
      '{who} đã xuất dữ liệu {dataset}: {reasons}',
      'một lần xuất với quy mô mà người này và đồng nghiệp thường làm, tới nơi nhận họ đã dùng',
    ],
    zh: ['{who} 导出了 {dataset}：{reasons}', '导出规模与此人及同事的习惯相符，且发往他们已在使用的接收方'],
  },
  'unusual-volume': {
    en: [
      '{role} {who} made {n} reads of {what} in 24 hours, {ratio}× the median of their peers ({peer}) and of their own past ({own})',
      'a day of that size for their peers at the same station or team, or a busier station',
    ],
    vi: [
      '{role} {who} đã đọc {what} {n} lần trong 24 giờ, gấp {ratio} lần trung vị của đồng nghiệp ({peer}) và của chính họ trước đây ({own})',
      'một ngày có quy mô tương tự đối với đồng nghiệp cùng trạm hoặc nhóm, hoặc một trạm bận rộn hơn',
    ],
    zh: [
      '{role} {who} 在 24 小时内读取{what} {n} 次，是同事中位数（{peer}）及其本人以往（{own}）的 {ratio} 倍',
      '同站点或团队的同事也有同样规模的一天，或站点更繁忙',
    ],
  },
  'unusual-fields': {
    en: [
      '{role} {who} asked for {field} in {n} reads in 24 hours; fewer than {share}% of their peers’ reads include it',
      'a task of theirs that needs that field (a delivery call, a ticket)',
    ],
    vi: [
      '{role} {who} đã yêu cầu trường {field} trong {n} lượt đọc trong 24 giờ; ít hơn {share}% lượt đọc của đồng nghiệp có trường này',
      'một công việc của họ cần trường đó (gọi giao hàng, phiếu hỗ trợ)',
    ],
    zh: [
      '{role} {who} 在 24 小时内有 {n} 次读取请求了 {field} 字段；同事的读取中包含该字段的不到 {share}%',
      '他们的某项任务需要该字段（派送电话、工单）',
    ],
  },
  'many-devices-one-station': {
    en: [
      'device {who} read {n} parcels bound for station {station}, which it never handles, in 24 hours, as did {devices} devices at other stations ({total} such reads in all); a device alone reads hardly any',
      'scans of those parcels by these devices, or the parcels routed through their stations',
    ],
    vi: [
      'thiết bị {who} đã đọc {n} bưu kiện gửi đến trạm {station} mà nó không xử lý, trong 24 giờ, cùng với {devices} thiết bị ở các trạm khác (tổng cộng {total} lượt đọc như vậy); một thiết bị riêng lẻ hầu như không đọc như thế',
      'các thiết bị này đã quét những bưu kiện đó, hoặc bưu kiện được định tuyến qua trạm của chúng',
    ],
    zh: [
      '设备 {who} 在 24 小时内读取了 {n} 个发往其从不处理的站点 {station} 的包裹，另有其他站点的设备共 {devices} 台也这样做（合计 {total} 次）；单台设备几乎从不如此',
      '这些设备扫描过这些包裹，或包裹经过了它们的站点',
    ],
  },
  'slow-reveals': {
    en: [
      "{role} {who} revealed {n} customers' data with no ticket, assignment or contact of theirs over {days} days of the last week; for that many reveals peers of that role have about {expected} without a reason",
      'a ticket, an assignment or an earlier contact behind each reveal',
    ],
    vi: [
      '{role} {who} đã xem dữ liệu của {n} khách hàng mà không có phiếu hỗ trợ, phân công hay liên hệ nào của họ, trong {days} ngày của tuần qua; với chừng ấy lượt xem, đồng nghiệp cùng vai trò chỉ có khoảng {expected} lượt không có lý do',
      'một phiếu hỗ trợ, phân công hoặc liên hệ trước đó cho mỗi lượt xem',
    ],
    zh: [
      '{role} {who} 在过去一周中的 {days} 天里查看了 {n} 位客户的数据，没有其工单、分配或先前联系作为依据；同样多的查看中，同角色的同事通常只有约 {expected} 次没有理由',
      '每次查看都有工单、分配或先前的联系',
    ],
  },
  'ticket-burst': {
    en: [
      "{who} revealed customers right after {n} tickets of their own in 24 hours; their usual day, and their peers', has about {base}",
      'the customers having written in (tickets opened by them, or by others for them), or a campaign the whole team worked',
    ],
    vi: [
      '{who} đã xem dữ liệu khách hàng ngay sau {n} phiếu hỗ trợ của chính họ trong 24 giờ; một ngày bình thường của họ và của đồng nghiệp chỉ khoảng {base}',
      'khách hàng đã tự liên hệ (phiếu do họ mở, hoặc người khác mở cho họ), hoặc một chiến dịch cả nhóm cùng làm',
    ],
    zh: [
      '{who} 在 24 小时内于其本人的 {n} 张工单之后立即查看了客户数据；其本人和同事平常一天约为 {base}',
      '客户确实来信（工单由客户或他人为其创建），或全组共同处理的活动',
    ],
  },
  'new-network-then-reads': {
    en: [
      '{who} signed in from a network never seen for them or anyone else, then made {n} reads unlike their own past',
      'a sign-in from a network they or their colleagues use',
    ],
    vi: [
      '{who} đăng nhập từ một mạng chưa từng thấy với họ hay bất kỳ ai, rồi thực hiện {n} lượt đọc khác với thói quen của họ',
      'đăng nhập từ mạng mà họ hoặc đồng nghiệp thường dùng',
    ],
    zh: [
      '{who} 从一个他们或任何人都从未使用过的网络登录，随后进行了 {n} 次与其以往不同的读取',
      '从他们或同事常用的网络登录',
    ],
  },
  'ticket-cover': {
    en: [
      '{who} revealed {n} customers in 7 days right after tickets assigned to them, for customers with no parcel, review or contact of their own; their peers’ tickets follow a customer’s own activity',
      'tickets for customers who had written in, had a parcel or left a review',
    ],
    vi: [
      '{who} đã xem {n} khách hàng trong 7 ngày ngay sau khi phiếu hỗ trợ được giao cho họ, cho những khách hàng không có bưu kiện, đánh giá hay liên hệ nào; phiếu của đồng nghiệp luôn theo sau hoạt động của khách hàng',
      'phiếu hỗ trợ cho khách hàng đã liên hệ, có bưu kiện hoặc đã đánh giá',
    ],
    zh: [
      '{who} 在 7 天内，在工单分配给他们后立即查看了 {n} 位客户，而这些客户没有包裹、评论或自己的联系；同事的工单都跟随客户自己的活动',
      '工单对应的客户确实来信、有包裹或留下了评论',
    ],
  },
  'reach-beyond-own-past': {
    en: [
      '{role} {who} read {n} parcels of neighbouring stations in 24 hours that only its region explains; its own past gives about {expected} such reads',
      'its own scans of those parcels, or a history of reading the region',
    ],
    vi: [
      '{role} {who} đã đọc {n} bưu kiện của các trạm lân cận trong 24 giờ mà chỉ khu vực của nó giải thích được; lịch sử của chính nó chỉ có khoảng {expected} lượt như vậy',
      'chính nó đã quét các bưu kiện đó, hoặc nó vẫn thường đọc bưu kiện trong khu vực',
    ],
    zh: [
      '{role} {who} 在 24 小时内读取了 {n} 个相邻站点的包裹，只有其所在区域能解释；按其自身以往约为 {expected} 次',
      '它本身扫描过这些包裹，或它一向读取本区域的包裹',
    ],
  },
  'handover-not-honoured': {
    en: [
      'courier {who} took over {n} of {of} parcels in 7 days from colleagues whose own courier app then delivered them; couriers like them see about {expected} such handovers',
      'the handed-over parcels delivered by their own courier app',
    ],
    vi: [
      'bưu tá {who} đã nhận bàn giao {n} trên {of} bưu kiện trong 7 ngày từ đồng nghiệp, nhưng chính ứng dụng của đồng nghiệp sau đó lại giao các bưu kiện này; bưu tá tương tự chỉ có khoảng {expected} trường hợp như vậy',
      'các bưu kiện được bàn giao do chính ứng dụng của họ giao',
    ],
    zh: [
      '快递员 {who} 在 7 天内从同事处接手了 {of} 个包裹中的 {n} 个，但这些包裹随后由同事自己的快递应用完成投递；同类快递员通常只有约 {expected} 次这样的交接',
      '交接的包裹由其本人的快递应用投递',
    ],
  },
  'accumulated-risk': {
    en: [
      'risk {risk} accumulated from {n} pieces of evidence over the last days, above what any single finding needs',
      'the same findings explained one by one',
    ],
    vi: [
      'mức rủi ro {risk} tích luỹ từ {n} bằng chứng trong những ngày qua',
      'các phát hiện được giải thích từng cái một',
    ],
    zh: ['过去几天从 {n} 条证据累积的风险为 {risk}', '逐条解释这些发现'],
  },
  downgraded: {
    en: ['explained after the fact: {reason}', ''],
    vi: ['đã được giải thích sau đó: {reason}', ''],
    zh: ['事后得到解释：{reason}', ''],
  },
};

/** The alert's sentences in every language. @example alertTexts('unusual-export', { who: 'u-1', dataset: 'sales', reasons: '…' }).vi.summary */
export function alertTexts(key: string, p: P): AlertTexts {
  const row = T[key];
  if (!row) throw new Error(`no texts for alert ${key}`);
  const out = {} as Record<Lang, Said>;
  for (const l of LANGS) out[l] = { summary: fill(row[l][0], p, l), wouldExplain: fill(row[l][1], p, l) };
  return out;
}

const NOTES: Record<string, Record<Lang, string>> = {
  'lone-build': {
    en: 'a build no other device reports',
    vi: 'phiên bản không thiết bị nào khác báo cáo',
    zh: '没有其他设备报告的版本',
  },
  'never-enrolled': {
    en: 'a device no enrolment or build report ever introduced',
    vi: 'thiết bị chưa từng được đăng ký hay báo cáo phiên bản',
    zh: '从未注册或报告过版本的设备',
  },
  'negative-reviewer': {
    en: 'a negative reviewer of seller {seller}',
    vi: 'người đánh giá xấu của người bán {seller}',
    zh: '卖家 {seller} 的差评评论者',
  },
  'novel-network': {
    en: 'a network never seen for anyone',
    vi: 'mạng chưa từng thấy với bất kỳ ai',
    zh: '从未见过的网络',
  },
};

/** An evidence note in every language. */
export function noteTexts(key: string, p: P = {}): Readonly<Record<Lang, string>> {
  const row = NOTES[key];
  if (!row) throw new Error(`no texts for note ${key}`);
  return { en: fill(row.en, p, 'en'), vi: fill(row.vi, p, 'vi'), zh: fill(row.zh, p, 'zh') };
}

/** Reasons inside an export alert, joined per language. */
export const EXPORT_REASONS: Record<string, Record<Lang, string>> = {
  'beyond-own': {
    en: '{rows} rows, {ratio}× their own usual ({own})',
    vi: '{rows} dòng, gấp {ratio} lần mức thường lệ của họ ({own})',
    zh: '{rows} 行，是其本人惯常规模（{own}）的 {ratio} 倍',
  },
  'beyond-peers': {
    en: '{rows} rows, {ratio}× the median of their peers ({peer})',
    vi: '{rows} dòng, gấp {ratio} lần trung vị của đồng nghiệp ({peer})',
    zh: '{rows} 行，是同事中位数（{peer}）的 {ratio} 倍',
  },
  'novel-recipient': {
    en: 'to {recipient}, a recipient nobody has sent to before',
    vi: 'tới {recipient}, nơi nhận chưa ai từng gửi tới',
    zh: '发往 {recipient}，一个从未有人发送过的接收方',
  },
  'private-recipient': {
    en: '{total} rows over {count} exports in 14 days to {recipient}, which nobody else uses',
    vi: '{total} dòng qua {count} lần xuất trong 14 ngày tới {recipient}, nơi không ai khác dùng',
    zh: '14 天内通过 {count} 次导出向仅此人使用的 {recipient} 发送了 {total} 行',
  },
  'first-export': {
    en: 'the first export of someone whose role ({role}) does not export',
    vi: 'lần xuất đầu tiên của một người có vai trò ({role}) không xuất dữ liệu',
    zh: '角色（{role}）通常不导出数据的人的首次导出',
  },
  'new-dataset': {
    en: 'a dataset ({dataset}) they never exported before',
    vi: 'tập dữ liệu ({dataset}) họ chưa từng xuất',
    zh: '他们从未导出过的数据集（{dataset}）',
  },
  'clear-contact': {
    en: "with customers' contact values in clear ({fields})",
    vi: 'kèm thông tin liên lạc của khách hàng ở dạng rõ ({fields})',
    zh: '包含明文的客户联系信息（{fields}）',
  },
  'off-hours': {
    en: 'at an hour they never export',
    vi: 'vào giờ họ chưa từng xuất dữ liệu',
    zh: '在他们从不导出的时间',
  },
};

/** Joins reasons of an export alert in each language. */
export function exportReasons(reasons: readonly { key: string; p: P }[]): Readonly<Record<Lang, string>> {
  const out = {} as Record<Lang, string>;
  for (const l of LANGS)
    out[l] = reasons.map((r) => fill(EXPORT_REASONS[r.key]![l], r.p, l)).join(l === 'zh' ? '；' : '; ');
  return out;
}
