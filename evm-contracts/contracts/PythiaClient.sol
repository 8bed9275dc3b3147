// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {LinkTokenInterface} from "./LinkTokenInterface.sol";
import {OracleInterface} from "./OracleInterface.sol";
import {PythiaRequest} from "./PythiaRequest.sol";

/// @title PythiaClient
/// @notice Base contract for consumers of an Oracle: builds requests, pays
/// for them with LINK's transferAndCall, remembers which oracle each pending
/// request went to, and accepts a fulfilment only from that oracle, once.
abstract contract PythiaClient {
    using PythiaRequest for PythiaRequest.Request;

    /// @notice One LINK in its smallest unit.
    uint256 internal constant LINK_DIVISIBILITY = 10 ** 18;
    uint256 private constant ARGS_VERSION = 1;
    /// @dev The Oracle overwrites sender and payment with the real LINK
    /// sender and amount, so the client sends placeholders.
    address private constant SENDER_OVERRIDE = address(0);
    uint256 private constant AMOUNT_OVERRIDE = 0;

    LinkTokenInterface private s_link;
    OracleInterface private s_oracle;
    uint256 private s_requestCount = 1;
    mapping(bytes32 => address) private s_pendingRequests;

    event ChainlinkRequested(bytes32 indexed id);
    event ChainlinkFulfilled(bytes32 indexed id);
    event ChainlinkCancelled(bytes32 indexed id);

    /// @notice Lets only the oracle a request was sent to fulfil it, and
    /// only while it is pending.
    modifier recordFulfillment(bytes32 requestId) {
        require(msg.sender == s_pendingRequests[requestId], "PythiaClient: source must be the oracle of the request");
        delete s_pendingRequests[requestId];
        emit ChainlinkFulfilled(requestId);
        _;
    }

    /// @notice Starts a request for job specId answered to callbackFunctionId
    /// on callbackAddress.
    function _buildRequest(bytes32 specId, address callbackAddress, bytes4 callbackFunctionId)
        internal
        pure
        returns (PythiaRequest.Request memory req)
    {
        return req.initialize(specId, callbackAddress, callbackFunctionId);
    }

    /// @notice Sends req with payment (in LINK's smallest unit) to the
    /// default oracle.
    function _sendRequest(PythiaRequest.Request memory req, uint256 payment) internal returns (bytes32) {
        return _sendRequestTo(address(s_oracle), req, payment);
    }

    /// @notice Sends req with payment to oracle; returns the request ID the
    /// oracle derives: keccak256(this contract, nonce).
    function _sendRequestTo(address oracle, PythiaRequest.Request memory req, uint256 payment)
        internal
        returns (bytes32 requestId)
    {
        uint256 nonce = s_requestCount++;
        req.nonce = nonce;
        requestId = keccak256(abi.encodePacked(address(this), nonce));
        s_pendingRequests[requestId] = oracle;
        emit ChainlinkRequested(requestId);
        bytes memory call = abi.encodeCall(
            OracleInterface.oracleRequest,
            (
                SENDER_OVERRIDE,
                AMOUNT_OVERRIDE,
                req.specId,
                req.callbackAddress,
                req.callbackFunctionId,
                nonce,
                ARGS_VERSION,
                req.buf.data
            )
        );
        require(s_link.transferAndCall(oracle, payment, call), "PythiaClient: unable to transferAndCall to oracle");
    }

    /// @notice Takes back the payment of an expired request that no node
    /// answered; the terms must be those of the OracleRequest event.
    function _cancelRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunctionId, uint256 expiration)
        internal
    {
        address oracle = s_pendingRequests[requestId];
        require(oracle != address(0), "PythiaClient: request is not pending");
        delete s_pendingRequests[requestId];
        emit ChainlinkCancelled(requestId);
        OracleInterface(oracle).cancelOracleRequest(requestId, payment, callbackFunctionId, expiration);
    }

    function _setLinkToken(address link) internal {
        s_link = LinkTokenInterface(link);
    }

    function _setOracle(address oracle) internal {
        s_oracle = OracleInterface(oracle);
    }

    function _linkToken() internal view returns (address) {
        return address(s_link);
    }

    function _oracle() internal view returns (address) {
        return address(s_oracle);
    }

    function _isPending(bytes32 requestId) internal view returns (bool) {
        return s_pendingRequests[requestId] != address(0);
    }
}
