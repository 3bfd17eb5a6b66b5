/**
 * Where one-time codes go: an SMS or e-mail provider implements this. The embedded one only
 * records what it would send, for tests and the demo (a real deployment plugs its provider in).
 */
export interface MessageSender {
  send(to: string, text: string): Promise<void>;
}

export function createEmbeddedOutbox() {
  const sent: { to: string; text: string; at: string }[] = [];
  return {
    async send(to: string, text: string) {
      sent.push({ to, text, at: new Date().toISOString() });
    },
    /** What it would have sent, most recent last (held in memory only, for tests and the demo). */
    sent: () => [...sent],
  };
}
export type EmbeddedOutbox = ReturnType<typeof createEmbeddedOutbox>;
