// The platform-neutral reply every command returns; Discord and Slack adapters format it their own way.

export interface ReplyField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface ReplyImage {
  /** File name the platforms show and reference (`attachment://<filename>` on Discord). */
  filename: string;
  png: Buffer;
  /** Describes the image for screen readers. */
  description: string;
}

export interface Reply {
  title?: string;
  url?: string;
  text?: string;
  fields?: ReplyField[];
  footer?: string;
  /** A small picture beside the title (a player's avatar); a public https URL, not an attachment. */
  thumbnailUrl?: string;
  /** Accent colour, 0xRRGGBB. */
  color?: number;
  /** The main image, shown in the reply itself. */
  image?: ReplyImage;
  /** Further charts, shown below the main one (Discord: one extra embed each). */
  moreImages?: ReplyImage[];
  /** Only the caller sees it (errors, settings). */
  ephemeral?: boolean;
}

export function errorReply(message: string): Reply {
  return { text: message, ephemeral: true };
}
