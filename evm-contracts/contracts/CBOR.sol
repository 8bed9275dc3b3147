// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title CBOR
/// @notice Appends CBOR (RFC 8949) items to a growing byte buffer: the
/// request parameters a consumer sends to the Oracle. Heads use the shortest
/// form; integers beyond 64 bits become bignums (tags 2 and 3) and arrays are
/// written indefinite-length, as the classic Chainlink client does.
library CBOR {
    /// @notice Encoded bytes, appended to in place.
    struct Buffer {
        bytes data;
    }

    uint8 private constant MAJOR_UINT = 0;
    uint8 private constant MAJOR_NEGATIVE_INT = 1;
    uint8 private constant MAJOR_BYTES = 2;
    uint8 private constant MAJOR_STRING = 3;
    uint8 private constant MAJOR_TAG = 6;
    uint8 private constant TAG_BIGNUM = 2;
    uint8 private constant TAG_NEGATIVE_BIGNUM = 3;
    bytes1 private constant INDEFINITE_ARRAY = 0x9f;
    bytes1 private constant BREAK = 0xff;

    /// @notice Writes an unsigned integer: major type 0 up to 2**64-1, a
    /// tag-2 bignum above.
    function writeUint(Buffer memory buf, uint256 value) internal pure {
        if (value > type(uint64).max) {
            _writeBigNum(buf, TAG_BIGNUM, value);
        } else {
            _writeHead(buf, MAJOR_UINT, uint64(value));
        }
    }

    /// @notice Writes a signed integer: major type 0 or 1 when it fits in 64
    /// bits, a tag-2 or tag-3 bignum otherwise.
    function writeInt(Buffer memory buf, int256 value) internal pure {
        if (value >= 0) {
            writeUint(buf, uint256(value));
            return;
        }
        // CBOR stores a negative n as -1 - n, which cannot overflow here.
        uint256 magnitude = uint256(-1 - value);
        if (magnitude > type(uint64).max) {
            _writeBigNum(buf, TAG_NEGATIVE_BIGNUM, magnitude);
        } else {
            _writeHead(buf, MAJOR_NEGATIVE_INT, uint64(magnitude));
        }
    }

    /// @notice Writes a byte string (major type 2).
    function writeBytes(Buffer memory buf, bytes memory value) internal pure {
        _writeHead(buf, MAJOR_BYTES, uint64(value.length));
        _append(buf, value);
    }

    /// @notice Writes a UTF-8 text string (major type 3).
    function writeString(Buffer memory buf, string memory value) internal pure {
        _writeHead(buf, MAJOR_STRING, uint64(bytes(value).length));
        _append(buf, bytes(value));
    }

    /// @notice Opens an indefinite-length array; close it with endSequence.
    function startArray(Buffer memory buf) internal pure {
        _append(buf, abi.encodePacked(INDEFINITE_ARRAY));
    }

    /// @notice Closes the innermost indefinite-length item.
    function endSequence(Buffer memory buf) internal pure {
        _append(buf, abi.encodePacked(BREAK));
    }

    function _writeHead(Buffer memory buf, uint8 major, uint64 value) private pure {
        uint8 m = major << 5;
        if (value <= 23) {
            _append(buf, abi.encodePacked(m | uint8(value)));
        } else if (value <= type(uint8).max) {
            _append(buf, abi.encodePacked(m | 24, uint8(value)));
        } else if (value <= type(uint16).max) {
            _append(buf, abi.encodePacked(m | 25, uint16(value)));
        } else if (value <= type(uint32).max) {
            _append(buf, abi.encodePacked(m | 26, uint32(value)));
        } else {
            _append(buf, abi.encodePacked(m | 27, value));
        }
    }

    function _writeBigNum(Buffer memory buf, uint8 tag, uint256 magnitude) private pure {
        _writeHead(buf, MAJOR_TAG, tag);
        writeBytes(buf, abi.encode(magnitude));
    }

    function _append(Buffer memory buf, bytes memory value) private pure {
        buf.data = bytes.concat(buf.data, value);
    }
}
