#include "core/security/secret_box.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "core/security/sodium_init.hpp"
#include "core/security/tokens.hpp"

namespace nelo::security {

namespace {

constexpr std::string_view kVersionPrefix = "v1:";

static_assert(crypto_secretbox_KEYBYTES == 32);

}  // namespace

SecretBox::SecretBox(std::string_view hex_key) {
  detail::ensure_sodium_initialized();
  auto raw = hex_key.size() == 2 * key_.size() ? hex_decode(hex_key) : std::nullopt;
  if (!raw) throw std::invalid_argument("secret box key must be 64 hexadecimal characters (32 bytes)");
  std::copy(raw->begin(), raw->end(), reinterpret_cast<char*>(key_.data()));
  wipe(*raw);
}

SecretBox::~SecretBox() { sodium_memzero(key_.data(), key_.size()); }

std::string SecretBox::seal(std::string_view plaintext) const {
  std::string nonce = random_bytes(crypto_secretbox_NONCEBYTES);
  std::string cipher(plaintext.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(cipher.data()),
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()), key_.data());
  std::string out(kVersionPrefix);
  out += base64url_encode(nonce);
  out += ':';
  out += base64url_encode(cipher);
  return out;
}

std::string SecretBox::open(std::string_view sealed) const {
  if (!sealed.starts_with(kVersionPrefix)) throw SecretBoxError("sealed secret: unknown format or version");
  sealed.remove_prefix(kVersionPrefix.size());
  auto colon = sealed.find(':');
  if (colon == std::string_view::npos) throw SecretBoxError("sealed secret: malformed");
  auto nonce = base64url_decode(sealed.substr(0, colon));
  auto cipher = base64url_decode(sealed.substr(colon + 1));
  if (!nonce || !cipher || nonce->size() != crypto_secretbox_NONCEBYTES || cipher->size() < crypto_secretbox_MACBYTES) {
    throw SecretBoxError("sealed secret: malformed");
  }
  std::string plain(cipher->size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 reinterpret_cast<const unsigned char*>(cipher->data()), cipher->size(),
                                 reinterpret_cast<const unsigned char*>(nonce->data()), key_.data()) != 0) {
    throw SecretBoxError("sealed secret: wrong key or tampered data");
  }
  return plain;
}

std::string SecretBox::generate_hex_key() {
  auto raw = random_bytes(crypto_secretbox_KEYBYTES);
  auto hex = hex_encode(raw);
  wipe(raw);
  return hex;
}

}  // namespace nelo::security
