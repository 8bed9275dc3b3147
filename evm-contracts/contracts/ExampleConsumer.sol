// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {LinkTokenInterface} from "./LinkTokenInterface.sol";
import {PythiaClient} from "./PythiaClient.sol";
import {PythiaRequest} from "./PythiaRequest.sol";

/// @title ExampleConsumer
/// @notice Asks an Oracle for a price found at a JSON path of a URL and keeps
/// the latest answer. Anyone may request (spending this contract's LINK), so
/// it suits a development chain and benchmarks, not production.
contract ExampleConsumer is PythiaClient {
    using PythiaRequest for PythiaRequest.Request;

    address public owner;
    uint256 public currentPrice;
    uint256 public fulfilledCount;

    event PriceFulfilled(bytes32 indexed requestId, uint256 price);

    modifier onlyOwner() {
        require(msg.sender == owner, "ExampleConsumer: caller is not the owner");
        _;
    }

    constructor(address link, address oracle) {
        _setLinkToken(link);
        _setOracle(oracle);
        owner = msg.sender;
    }

    /// @notice Requests the number at path (dot-separated) of url's JSON,
    /// multiplied by times, from job specId, paying payment LINK units.
    function requestPrice(bytes32 specId, string calldata url, string calldata path, int256 times, uint256 payment)
        external
        returns (bytes32 requestId)
    {
        PythiaRequest.Request memory req = _buildRequest(specId, address(this), this.fulfill.selector);
        req.add("get", url);
        req.add("path", path);
        req.addInt("times", times);
        return _sendRequest(req, payment);
    }

    /// @notice The Oracle's callback: stores the answer of a pending request.
    function fulfill(bytes32 requestId, uint256 price) external recordFulfillment(requestId) {
        currentPrice = price;
        fulfilledCount += 1;
        emit PriceFulfilled(requestId, price);
    }

    /// @notice Takes back the payment of an expired, unanswered request.
    function cancelRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunctionId, uint256 expiration)
        external
        onlyOwner
    {
        _cancelRequest(requestId, payment, callbackFunctionId, expiration);
    }

    /// @notice Tells whether a request still waits for its fulfilment.
    function isPending(bytes32 requestId) external view returns (bool) {
        return _isPending(requestId);
    }

    /// @notice Sends all of this contract's LINK to the owner.
    function withdrawLink() external onlyOwner {
        LinkTokenInterface link = LinkTokenInterface(_linkToken());
        require(link.transfer(owner, link.balanceOf(address(this))), "ExampleConsumer: unable to transfer");
    }
}
