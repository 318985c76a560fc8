/** The API key the browser keeps (localStorage), read without loading the API client. */
export const API_KEY_STORAGE = 'qi.apiKey'

export function readStoredKey(): string | null {
  try {
    return localStorage.getItem(API_KEY_STORAGE)
  } catch {
    return null
  }
}

/** The public pages a visitor without a key may open: verification by number (the QR code's URL). */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/verify' || pathname.startsWith('/verify/')
}
