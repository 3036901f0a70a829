/** Escapes text for HTML mail bodies; names and organization names are user input. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
