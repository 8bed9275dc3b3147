// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {CBOR} from "./CBOR.sol";

/// @title PythiaRequest
/// @notice Builds one oracle request: the job to run, where to deliver the
/// answer, and the job's parameters as CBOR key/value pairs written back to
/// back with no map header (the node wraps them in a map when decoding).
library PythiaRequest {
    using CBOR for CBOR.Buffer;

    struct Request {
        bytes32 specId;
        address callbackAddress;
        bytes4 callbackFunctionId;
        uint256 nonce;
        CBOR.Buffer buf;
    }

    /// @notice Sets the job and the callback of a fresh request.
    function initialize(Request memory self, bytes32 specId, address callbackAddress, bytes4 callbackFunctionId)
        internal
        pure
        returns (Request memory)
    {
        self.specId = specId;
        self.callbackAddress = callbackAddress;
        self.callbackFunctionId = callbackFunctionId;
        return self;
    }

    /// @notice Adds a text parameter.
    function add(Request memory self, string memory key, string memory value) internal pure {
        self.buf.writeString(key);
        self.buf.writeString(value);
    }

    /// @notice Adds a byte-string parameter.
    function addBytes(Request memory self, string memory key, bytes memory value) internal pure {
        self.buf.writeString(key);
        self.buf.writeBytes(value);
    }

    /// @notice Adds a signed integer parameter.
    function addInt(Request memory self, string memory key, int256 value) internal pure {
        self.buf.writeString(key);
        self.buf.writeInt(value);
    }

    /// @notice Adds an unsigned integer parameter.
    function addUint(Request memory self, string memory key, uint256 value) internal pure {
        self.buf.writeString(key);
        self.buf.writeUint(value);
    }

    /// @notice Adds an array of text values, such as a JSON path.
    function addStringArray(Request memory self, string memory key, string[] memory values) internal pure {
        self.buf.writeString(key);
        self.buf.startArray();
        for (uint256 i = 0; i < values.length; i++) {
            self.buf.writeString(values[i]);
        }
        self.buf.endSequence();
    }
}
