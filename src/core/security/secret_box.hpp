#pragma once
// Authenticated encryption of small secrets at rest (the JWT signing keys in the auth schema),
// under a 32-byte key that comes from the environment (NELO_JWT_KEY_ENCRYPTION_KEY), so a
// database dump alone does not reveal the keys.

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nelo::security {

// Decryption failed: wrong key, tampered or truncated data, or an unknown format. The message
// never contains the data.
class SecretBoxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// XSalsa20-Poly1305 (libsodium crypto_secretbox_easy) with a random 24-byte nonce per message.
// Sealed form: "v1:<nonce base64url>:<ciphertext+tag base64url>", self-describing so the
// algorithm can change later without guessing what old rows hold.
class SecretBox {
 public:
  // hex_key: 64 hexadecimal characters. Throws std::invalid_argument otherwise.
  explicit SecretBox(std::string_view hex_key);
  ~SecretBox();
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  std::string seal(std::string_view plaintext) const;
  // Throws SecretBoxError on a wrong key, tampering or a malformed input. The caller owns the
  // plaintext: wipe() it once it has been turned into a key object.
  std::string open(std::string_view sealed) const;

  // A fresh random key in the form the constructor takes (for operators: `nelo auth gen-key`).
  static std::string generate_hex_key();

 private:
  std::array<unsigned char, 32> key_{};
};

}  // namespace nelo::security
