// The chat playground's prompt: the conversation rendered with the loaded model's own chat template
// (GGUF `tokenizer.chat_template`, by @huggingface/jinja), ending with the header of the assistant's turn so
// the model answers as the assistant. The engine reads the control-token texts in it as tokens.
import { renderChat, type ChatFormat, type ChatMessage } from '../tokenizer/chat-template.ts';

export type { ChatFormat, ChatMessage };

/**
 * `system` empty (or blank) sends no system message, so the template falls back to its own default
 * (SmolLM2's names the assistant SmolLM); otherwise it opens the conversation.
 */
export function chatPrompt(format: ChatFormat, system: string, turns: readonly ChatMessage[]): string {
  const messages: ChatMessage[] = system.trim() ? [{ role: 'system', content: system }, ...turns] : [...turns];
  return renderChat(format, messages, { addGenerationPrompt: true });
}
