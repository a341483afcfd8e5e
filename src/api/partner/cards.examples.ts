/**
 * Examples of the card operations (request bodies and 2xx responses), shown by the API reference
 * and checked against their schemas by test/openapi.test.ts. One story: Ada Lovelace's pocket gets
 * a virtual card, whose details come back encrypted with the single-use key her app sent, and
 * orders a physical card, which arrives, gets its PIN (encrypted with the served set_pin key) and
 * is activated. The keys below are examples only: their private halves were thrown away.
 */

const CARD_ID = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';
const PHYSICAL_CARD_ID = '6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f';
const ORDER_ID = '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a';

/** A client's single-use RSA public key (PKCS#1 PEM; Jiko asks for 4096 bits, pocketbook takes 2048 to 8192). */
export const PUBLIC_KEY_REQUEST = { public_key: "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAuFGCmJVjk1KBpwad3JPHNgjXRLMaKVWpexCNPc6fLLmFdJ1/aHft\n93iHPTI5kMqwcY2McI4QFoDgd/v+Mbmy8svYMBYZgIfg7yfwjK+Mhw1UvVQCK/Fa\nT4RV43sYIvpvTofMOJsFXWU6GDTAzcz0qmJvh/LyHakNlzSOoZMl3zf2lxaljgSn\n7G8JDevOjXqUO0oVK7e4lgn2t8eI3cCnvqGkraD88RCIqQ5GaS5deGGcU4uaC2OL\naC4z1sRBsQSiNd4pcUCd06RAH7aqTASfb4XpZENrVFVBOX3YgjoMyPxYjIqHIiF+\ncH3Cn8HZx/3pBkN+NugdrrymeyGAYn+f3wIDAQAB\n-----END RSA PUBLIC KEY-----\n" };

export const VIRTUAL_CARD_RESPONSE = {
  card_id: CARD_ID,
  encrypted_pan: "k8N3ZFYno45yK0rKDzAkqstz0sskGnwreJZy11UGLaeUy1R5QZ5iJYzYA7+OxDAzij+5CRTkGGr+OPfICCVrdDdbdYtAnT9fxul8YaiM4Z32bXTqomnuyL/9sl5KBpYQsJIV3hAQ18ppJV567JlhxQNva3nLWwTNYVesVq1QCdFiBPoroSzu1Fe2mEVcYTlP2hQ/YD8Nzdcjh0Hgszz+WfXKevkBv9pDvHhRrj0UHFs2+mwL8/4Ha0hAVRgavN7gxt+SCJ3h9z1Zo54dlP5csWqFsyil8Vt2Rl5OHkZfOeOd/cbq3cktOop0nPjVoEGUMUvqj//wBX/wuiYFyB0+Wg==",
  encrypted_cvv: "PTanjGa4Tqy0A2+OhuUP0BFEElka+w6P/uiFIs4o3LPvp6q0E1PzJNxzm+0LzXFS9scBsmxv5p1dUQ71F1uMd/XIPodas+7ja+ZEdu2gNjB5uVZ/Gd54NA9J8UNr3ey66lKUzXEvkUC3lcQjY6Lb1UDvgHSgsg4cBP5xPGObywpCE1k+QOHw8gDan+4pVGe5x5WUWBgkQBdp5Sj2w2Klpfq+1TWjEWCZxLoFckyvffT2xl4Am6HfuKFf9WKUnNCz0qnaP6Vyi9UN8nX2W/mjV+HQak9ZFkavbO/wk1+CIMKLyCsPxMEv/9CRLgjeUe+mj3al/CZyD2RB7VO77NhwQA==",
  encrypted_expiration: "LPwsBQqj23HxrVhiujv0nn5qLEmnTsIv6m3kYA9v/lxCpPQPGfYD+KgeILfycr0bNlfuRFC+O11XQ0sZUjoVCz1HWt8FaBrqNGtr5oHXdoBeaQO+Z/yUxAH75fbhwON1Yh7m575UW9CIrWc3Id9Mi+eqdUQmRPwYEWTS3I9MNxKLEK265V6tjzRS55NKQq+wqvtf0+ikKxXgeCuSM+x+1i7NOCOQk8Mfv+w0WbihYe3zE8KdTldYQVrf7nQUrOn5uNBCAHg6tIDS/63YbjmGjwN7pqrEx2nBWk6gaRjlx+YV8yFSF9nnYxwmz5ywUfNovgGV77zfJSjjn+xTp6pusQ==",
  object_type: 'VirtualCardResponse',
};

export const CARD = { card_id: CARD_ID, name: 'Virtual card', status: 'OPEN', type: 'VIRTUAL', pocket_id: '3f0b6a1e-8d2c-4f5a-9b7e-1c2d3e4f5a6b' };
export const PHYSICAL_CARD = { card_id: PHYSICAL_CARD_ID, name: 'ADA LOVELACE', status: 'NOT_ACTIVATED', type: 'PHYSICAL', pocket_id: '3f0b6a1e-8d2c-4f5a-9b7e-1c2d3e4f5a6b' };

export function cursorList(items: unknown[]) {
  return { prev_page: null, next_page: null, items, object_type: 'CursorList' };
}

export const STATUS_REQUEST = { status: 'LOCKED' };
export const ACTIVATE_REQUEST = { status: 'OPEN' };
export const STATUS_RESPONSE = { card_id: CARD_ID, status: 'LOCKED' };

/** A PIN encrypted with the served set_pin key: base64 of RSA-OAEP (SHA-256) of its four ASCII digits. */
export const PIN_REQUEST = { encrypted_pin: "ewtRvfLhBxfhP3U+XS8GcxXfWJTd2+Z/IR5TuLdw67gzXVNL+4W8PJKTWSYvZ2eJfgfi/tst8/fdorEm+mQM/VIW0Vj/N/nPW9KMxgRAKv1ljY+uhMGAZCM/E53x3mdhM5FCNklCK4V9mnQaXKpY450ZC1G9uM9pMNHUnZfyDJ/vTEIDhcuLBqOdgTETxr4HyymJ2fNpFXNILLD1IQDyKIjTBXQV8Ca/iJkwBATaPHTu7Oyiw/hOHlo9VabeE7LACZobopg0WPNLoji387wgcqPPxuxMTYOsLm1utwtmHxyLSCtgz/DlhGuvlYcCRe2W5SLgMhUKDL8EL3CyeKvV0ED1iRQAYuGrNz7Jl7wvSx+QE9WuslH1xdFN/NdMCxQyQl4YwhvRePNbkw3N/DNMd2GaINMFY5GlpOSlgnIb32YYeCr5kItvjtkHVhlUnaGo0GWYxghmtw7oLrlUpNFDrbtVj5qWTd+HZ31WHNOCaKBJhgE2h4mUacktFlfpLWdD" };
export const PIN_RESPONSE = { success: true };

export const CLOSE_REQUEST = { closure_reason: 'STOLEN', lost_stolen_date: '2024-03-04' };

/** An example set_pin key as GET /api/v1/public-keys serves it (SPKI PEM). */
export const PUBLIC_KEYS = { set_pin: "-----BEGIN PUBLIC KEY-----\nMIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEAivoT5oYDFJ8bO3iiekFc\nc0kONWPI/RYKkoq5O+fcKrjnpCeFbFIcb6U/w+BNhN0t5HlAABz3mTElSxY+TRNr\nh/31IANx7+nt5iY7VZdvD0cRnHGq1eeN/dZ4UIscJQxG28wWMp6w/s+oH7P2anqn\nG/AlA4eM6dC74vB08a+5MUQcnL1tge2/DxeeBEnqsiKvA8s9NeSuwFtR0sMrCTEG\nw7VNzhwJT35DLwK+V2Uf2DhylM1ciP4UisR87kNz9U9pwTG1XMFty4gUxJJ+Mcdi\nWCNtDETXJakEL3WiCqiSDUY+E2S8/2we98cRiwH2KaUicDGjEqPJqPVy153UPpcd\n4pkJcncjeT+VMU4JFxbuuPftLNKhJH5tan4Y0wjyK9vILOtJMEptmU460VViER02\n9spJx0RD8o/qkqidPYPS5E3BLPqf8i6kAOlfFFFuEHGHw/+W5WZbj8EIDfR3oemJ\nFv1/4vXtJNVFQo8PdLN9rWXs162+DYFMwz5G2UV9C/WvAgMBAAE=\n-----END PUBLIC KEY-----\n" };

const SHIPPING_ADDRESS = { street_address: '12 St James Square', street_address2: 'Apt 3', city: 'New York', postal_code: '10001', state: 'NY', country: 'US' };

export const ORDER_REQUEST = { name_on_card: 'ADA LOVELACE', shipping_address: SHIPPING_ADDRESS };

export const ORDER_RESPONSE = {
  card_order_id: ORDER_ID,
  card_id: null,
  status: 'INITIAL',
  name_on_card: 'ADA LOVELACE',
  shipping_address: SHIPPING_ADDRESS,
  object_type: 'PhysicalCardOrderResponse',
};

export const MINIMAL_ORDER = { card_order_id: ORDER_ID, card_id: PHYSICAL_CARD_ID, status: 'RECEIVED', object_type: 'MinimalPhysicalCardOrderResponse' };

export const GENERATE_CARD_REQUEST = { card_order_id: ORDER_ID };
