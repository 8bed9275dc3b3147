// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title OracleInterface
/// @notice The Oracle functions a consumer reaches: oracleRequest is never
/// called directly but names the call that a consumer encodes into the data
/// of LINK's transferAndCall; cancelOracleRequest takes back the payment of
/// an expired request.
interface OracleInterface {
    function oracleRequest(
        address sender,
        uint256 payment,
        bytes32 specId,
        address callbackAddress,
        bytes4 callbackFunctionId,
        uint256 nonce,
        uint256 dataVersion,
        bytes calldata data
    ) external;

    function cancelOracleRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunc, uint256 expiration)
        external;
}
