// Chat formatting with the model's own Jinja template (GGUF `tokenizer.chat_template`, copied from
// the Hugging Face tokenizer_config), rendered by @huggingface/jinja: the same engine
// transformers.js uses, so templates written for Python Jinja render the same way.
import { Template } from '@huggingface/jinja';
import { TokenizerError } from './vocab.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | (string & {});
  content: string;
}

/** What rendering a model's chats takes: the template and its special-token texts (plain data, so it crosses to the page). */
export interface ChatFormat {
  template: string;
  bos: string;
  eos: string;
}

export interface ChatTemplateOptions {
  /** End with the header that opens the assistant's turn, so generation continues as the assistant. */
  addGenerationPrompt?: boolean;
}

export class ChatTemplate {
  private readonly template: Template;

  constructor(
    source: string,
    private readonly specialTexts: { bos: string; eos: string },
  ) {
    try {
      this.template = new Template(source);
    } catch (err) {
      throw new TokenizerError(`tokenizer.chat_template does not parse: ${(err as Error).message}`);
    }
  }

  render(messages: ChatMessage[], options: ChatTemplateOptions = {}): string {
    messages.forEach((m, i) => {
      if (typeof m?.role !== 'string' || typeof m?.content !== 'string') {
        throw new TokenizerError(`chat message ${i} needs a string role and a string content`);
      }
    });
    try {
      return this.template.render({
        messages,
        add_generation_prompt: options.addGenerationPrompt ?? false,
        bos_token: this.specialTexts.bos,
        eos_token: this.specialTexts.eos,
      });
    } catch (err) {
      throw new TokenizerError(`chat template failed: ${(err as Error).message}`);
    }
  }
}

const parsed = new Map<string, ChatTemplate>();

/** Renders `messages` with a model's chat format (each template parsed once). */
export function renderChat(format: ChatFormat, messages: ChatMessage[], options: ChatTemplateOptions = {}): string {
  let template = parsed.get(format.template);
  if (!template) {
    template = new ChatTemplate(format.template, { bos: format.bos, eos: format.eos });
    parsed.clear(); // one model at a time: keep only the latest template
    parsed.set(format.template, template);
  }
  return template.render(messages, options);
}
