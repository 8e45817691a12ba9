// SHA-256 (FIPS 180-4), streaming. Used for dataset content hashes and model package hashes.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace tmf {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  template <typename T>
  void update_pod(const T& v) { update(&v, sizeof(T)); }
  std::string hex();  // finishes; call once

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view data);

}  // namespace tmf
