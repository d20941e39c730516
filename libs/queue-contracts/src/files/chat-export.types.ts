/** One conversation of a ChatGPT export (`input.json` is an array of these), as the file spells it. */
export interface ChatExportConversation {
  id: string;
  /** Real exports contain untitled conversations. */
  title: string | null;
  /** Unix seconds. */
  create_time: number | null;
  update_time: number | null;
  /** Message tree keyed by node id; branches (several children) are normal. */
  mapping: Record<string, ChatExportNode>;
}

export interface ChatExportNode {
  id: string;
  message: ChatExportMessage | null;
  parent: string | null;
  children: string[];
}

export interface ChatExportMessage {
  id: string;
  /** user, assistant, system, tool, ... */
  author: { role: string };
  /** content_type may be text, multimodal_text, code, ...; parts may hold objects (images). */
  content: { content_type: string; parts: unknown[] };
}
