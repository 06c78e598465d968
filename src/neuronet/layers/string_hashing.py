"""The string hashes of TensorFlow's hash-bucket ops, which pick the out-of-vocabulary
index of an unknown token in StringLookup and TextVectorization (num_oov_indices > 1) and
the bin of a value in Hashing: FarmHash64 (Fingerprint64) of its UTF-8 bytes, SipHash-2-4
when a `salt` is given. Both work on Python ints kept to 64 bits (& _MASK); `data` is bytes.
"""

_MASK = (1 << 64) - 1
_K0, _K1, _K2 = 0xc3a5c85c97cb3127, 0xb492b66fbe98f273, 0x9ae16a3b2f90404f


def _fetch64(data, i):
    return int.from_bytes(data[i:i + 8], "little")


def _rotate_right(value, shift):
    return ((value >> shift) | (value << (64 - shift))) & _MASK


def _shift_mix(value):
    return value ^ (value >> 47)


def _hash_len16(u, v, mul=0x9ddfea08eb382d69):
    a = _shift_mix(((u ^ v) * mul) & _MASK)
    b = _shift_mix(((v ^ a) * mul) & _MASK)
    return (b * mul) & _MASK


def _hash_len0to16(data):
    n = len(data)
    if n >= 8:
        mul = _K2 + n * 2
        a = (_fetch64(data, 0) + _K2) & _MASK
        b = _fetch64(data, n - 8)
        c = (_rotate_right(b, 37) * mul + a) & _MASK
        d = ((_rotate_right(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if n >= 4:
        first, last = (int.from_bytes(data[i:i + 4], "little") for i in (0, n - 4))
        return _hash_len16(n + (first << 3), last, _K2 + n * 2)
    if n > 0:
        y = data[0] + (data[n >> 1] << 8)
        z = n + (data[n - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_len17to64(data):
    n = len(data)
    mul = _K2 + n * 2
    a = (_fetch64(data, 0) * (_K1 if n <= 32 else _K2)) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, n - 8) * mul) & _MASK
    d = (_fetch64(data, n - 16) * _K2) & _MASK
    y = (_rotate_right((a + b) & _MASK, 43) + _rotate_right(c, 30) + d) & _MASK
    z = (a + _rotate_right((b + _K2) & _MASK, 18) + c) & _MASK
    if n <= 32:
        return _hash_len16(y, z, mul)
    z = _hash_len16(y, z, mul)
    e = (_fetch64(data, 16) * mul) & _MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, n - 32)) * mul) & _MASK
    h = ((z + _fetch64(data, n - 24)) * mul) & _MASK
    return _hash_len16((_rotate_right((e + f) & _MASK, 43) + _rotate_right(g, 30) + h) & _MASK,
                       (e + _rotate_right((f + a) & _MASK, 18) + g) & _MASK, mul)


def _weak_hash_len32(data, i, a, b):
    w, x, y, z = (_fetch64(data, i + k) for k in (0, 8, 16, 24))
    a = (a + w) & _MASK
    b = _rotate_right((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate_right(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def farmhash64(data):
    """FarmHash64 (farmhashna::Hash64, TensorFlow's Fingerprint64) of the bytes `data`."""
    n = len(data)
    if n <= 16:
        return _hash_len0to16(data)
    if n <= 64:
        return _hash_len17to64(data)
    x = (81 * _K2 + _fetch64(data, 0)) & _MASK
    y = (81 * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v, w = (0, 0), (0, 0)
    mul = _K1
    last = n - 64
    starts = list(range(0, ((n - 1) // 64) * 64, 64)) + [last]
    for step, i in enumerate(starts):           # 64-byte blocks, then the last 64 bytes
        final = step == len(starts) - 1
        if final:
            mul = _K1 + ((z & 0xff) << 1)
            w0 = (w[0] + ((n - 1) & 63)) & _MASK
            v = ((v[0] + w0) & _MASK, v[1])
            w = ((w0 + v[0]) & _MASK, w[1])
        x = (_rotate_right((x + y + v[0] + _fetch64(data, i + 8)) & _MASK, 37) * mul) & _MASK
        y = (_rotate_right((y + v[1] + _fetch64(data, i + 48)) & _MASK, 42) * mul) & _MASK
        x ^= (w[1] * (9 if final else 1)) & _MASK
        y = (y + v[0] * (9 if final else 1) + _fetch64(data, i + 40)) & _MASK
        z = (_rotate_right((z + w[0]) & _MASK, 33) * mul) & _MASK
        v = _weak_hash_len32(data, i, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
        w = _weak_hash_len32(data, i + 32, (z + w[1]) & _MASK, (y + _fetch64(data, i + 16)) & _MASK)
        x, z = z, x
    return _hash_len16((_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
                       (_hash_len16(v[1], w[1], mul) + x) & _MASK, mul)


def _rotate_left(value, shift):
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def siphash24(key, data):
    """SipHash-2-4 of the bytes `data` with the key `key` (two ints, each taken as 64 bits)."""
    k0, k1 = (k & _MASK for k in key)
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]

    def rounds(count):
        for _ in range(count):
            v[0] = (v[0] + v[1]) & _MASK
            v[1] = _rotate_left(v[1], 13) ^ v[0]
            v[0] = _rotate_left(v[0], 32)
            v[2] = (v[2] + v[3]) & _MASK
            v[3] = _rotate_left(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & _MASK
            v[3] = _rotate_left(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & _MASK
            v[1] = _rotate_left(v[1], 17) ^ v[2]
            v[2] = _rotate_left(v[2], 32)

    n = len(data)
    tail = n - n % 8
    blocks = [_fetch64(data, i) for i in range(0, tail, 8)]
    blocks.append(int.from_bytes(data[tail:], "little") | ((n & 0xff) << 56))
    for block in blocks:
        v[3] ^= block
        rounds(2)
        v[0] ^= block
    v[2] ^= 0xff
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def text_bytes(value):
    """The bytes TensorFlow hashes for `value`: a string's UTF-8 bytes, bytes as they are, an
    integer's decimal text (as `tf.as_string` writes it)."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def fingerprint(data, salt=None):
    """The 64-bit hash of the bytes `data`: FarmHash64 (`tf.strings.to_hash_bucket_fast`), or
    SipHash-2-4 keyed with `salt`, a pair of ints (`tf.strings.to_hash_bucket_strong`)."""
    return farmhash64(data) if salt is None else siphash24(salt, data)
