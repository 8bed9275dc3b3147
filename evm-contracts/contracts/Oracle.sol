// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC677Receiver} from "./ERC677Receiver.sol";
import {LinkTokenInterface} from "./LinkTokenInterface.sol";
import {OracleInterface} from "./OracleInterface.sol";

/// @title Oracle
/// @notice Takes paid requests for off-chain data and lets authorized nodes
/// answer them, in the classic Chainlink request model: a consumer sends LINK
/// with transferAndCall and an encoded oracleRequest call; the Oracle logs an
/// OracleRequest event, keeps a commitment to the request's terms, and pays
/// the LINK out to its owner only once a node has fulfilled the request.
contract Oracle is ERC677Receiver, OracleInterface {
    /// @notice How long a requester waits before it may cancel a request.
    uint256 public constant EXPIRY_TIME = 5 minutes;
    /// @dev Gas that must be left for the consumer's callback, so that a node
    /// cannot make the callback fail by sending too little gas.
    uint256 private constant MINIMUM_CONSUMER_GAS_LIMIT = 400000;
    /// @dev withdrawableTokens starts at one so that the first payment does
    /// not cost a zero-to-nonzero storage write; it is never paid out.
    uint256 private constant ONE_FOR_CONSISTENT_GAS_COST = 1;
    /// @dev A request is the oracleRequest selector and at least its first
    /// two words (sender and payment, which this contract overwrites).
    uint256 private constant MINIMUM_REQUEST_LENGTH = 4 + 2 * 32;

    LinkTokenInterface internal immutable link;
    address public owner;
    uint256 private withdrawableTokens = ONE_FOR_CONSISTENT_GAS_COST;

    /// @notice The hash of each open request's payment, callback address,
    /// callback selector and expiration, by request ID; zero once the request
    /// is fulfilled or cancelled.
    mapping(bytes32 => bytes32) public commitments;
    mapping(address => bool) private authorizedNodes;

    event OracleRequest(
        bytes32 indexed specId,
        address requester,
        bytes32 requestId,
        uint256 payment,
        address callbackAddr,
        bytes4 callbackFunctionId,
        uint256 cancelExpiration,
        uint256 dataVersion,
        bytes data
    );
    event CancelOracleRequest(bytes32 indexed requestId);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @dev A decoded oracleRequest call; a struct keeps the stack shallow.
    struct Request {
        address sender;
        uint256 payment;
        bytes32 specId;
        address callbackAddress;
        bytes4 callbackFunctionId;
        uint256 nonce;
        uint256 dataVersion;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "Oracle: caller is not the owner");
        _;
    }

    modifier onlyLINK() {
        require(msg.sender == address(link), "Oracle: must use LINK token");
        _;
    }

    modifier onlyAuthorizedNode() {
        require(authorizedNodes[msg.sender], "Oracle: not an authorized node");
        _;
    }

    constructor(address linkToken) {
        require(linkToken != address(0), "Oracle: LINK address is zero");
        link = LinkTokenInterface(linkToken);
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
    }

    /// @notice Accepts a request paid with LINK. The data must be an encoded
    /// oracleRequest call; its sender and payment are replaced by the real
    /// LINK sender and amount, so a requester cannot claim another's payment.
    function onTokenTransfer(address sender, uint256 amount, bytes calldata data) external override onlyLINK {
        require(data.length >= MINIMUM_REQUEST_LENGTH, "Oracle: invalid request length");
        require(bytes4(data[:4]) == OracleInterface.oracleRequest.selector, "Oracle: must call oracleRequest");
        Request memory req;
        bytes memory payload;
        (, , req.specId, req.callbackAddress, req.callbackFunctionId, req.nonce, req.dataVersion, payload) =
            abi.decode(data[4:], (address, uint256, bytes32, address, bytes4, uint256, uint256, bytes));
        req.sender = sender;
        req.payment = amount;
        _record(req, payload);
    }

    /// @notice Present for ABI compatibility with the classic Oracle; only
    /// LINK may call it, and LINK reaches the Oracle through onTokenTransfer.
    function oracleRequest(
        address sender,
        uint256 payment,
        bytes32 specId,
        address callbackAddress,
        bytes4 callbackFunctionId,
        uint256 nonce,
        uint256 dataVersion,
        bytes calldata data
    ) external override onlyLINK {
        _record(Request(sender, payment, specId, callbackAddress, callbackFunctionId, nonce, dataVersion), data);
    }

    /// @notice Answers an open request: only an authorized node, and only
    /// with the request's exact terms. The payment becomes withdrawable and
    /// the consumer's callback is called with (requestId, data). A failing
    /// callback does not revert the fulfilment; the return value tells.
    function fulfillOracleRequest(
        bytes32 requestId,
        uint256 payment,
        address callbackAddress,
        bytes4 callbackFunctionId,
        uint256 expiration,
        bytes32 data
    ) external onlyAuthorizedNode returns (bool) {
        require(commitments[requestId] != 0, "Oracle: must have a valid requestId");
        bytes32 terms = keccak256(abi.encodePacked(payment, callbackAddress, callbackFunctionId, expiration));
        require(commitments[requestId] == terms, "Oracle: params do not match request ID");
        withdrawableTokens += payment;
        delete commitments[requestId];
        require(gasleft() >= MINIMUM_CONSUMER_GAS_LIMIT, "Oracle: must provide consumer enough gas");
        // The callback's outcome is reported, not enforced: a consumer that
        // reverts must not keep the node from being paid.
        (bool success,) = callbackAddress.call(abi.encodeWithSelector(callbackFunctionId, requestId, data));
        return success;
    }

    /// @notice Lets the requester (the callback address) take back the
    /// payment of a request that no node answered before its expiration.
    function cancelOracleRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunc, uint256 expiration)
        external
        override
    {
        bytes32 terms = keccak256(abi.encodePacked(payment, msg.sender, callbackFunc, expiration));
        require(commitments[requestId] != 0 && commitments[requestId] == terms, "Oracle: params do not match request ID");
        require(expiration <= block.timestamp, "Oracle: request is not expired");
        delete commitments[requestId];
        emit CancelOracleRequest(requestId);
        require(link.transfer(msg.sender, payment), "Oracle: unable to transfer");
    }

    /// @notice Allows or forbids a node to fulfil requests.
    function setFulfillmentPermission(address node, bool allowed) external onlyOwner {
        authorizedNodes[node] = allowed;
    }

    /// @notice Tells whether a node may fulfil requests.
    function getAuthorizationStatus(address node) external view returns (bool) {
        return authorizedNodes[node];
    }

    /// @notice Pays earned LINK (payments of fulfilled requests) to recipient.
    function withdraw(address recipient, uint256 amount) external onlyOwner {
        require(withdrawableTokens >= amount + ONE_FOR_CONSISTENT_GAS_COST, "Oracle: not enough funds");
        withdrawableTokens -= amount;
        require(link.transfer(recipient, amount), "Oracle: unable to transfer");
    }

    /// @notice The LINK earned by fulfilments and not yet withdrawn.
    function withdrawable() external view returns (uint256) {
        return withdrawableTokens - ONE_FOR_CONSISTENT_GAS_COST;
    }

    /// @notice The LINK token this Oracle is paid in.
    function getChainlinkToken() external view returns (address) {
        return address(link);
    }

    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "Oracle: new owner is zero");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function _record(Request memory req, bytes memory data) private {
        require(req.callbackAddress != address(link), "Oracle: cannot call back to LINK");
        bytes32 requestId = keccak256(abi.encodePacked(req.sender, req.nonce));
        require(commitments[requestId] == 0, "Oracle: must use a unique ID");
        uint256 expiration = block.timestamp + EXPIRY_TIME;
        commitments[requestId] =
            keccak256(abi.encodePacked(req.payment, req.callbackAddress, req.callbackFunctionId, expiration));
        emit OracleRequest(
            req.specId,
            req.sender,
            requestId,
            req.payment,
            req.callbackAddress,
            req.callbackFunctionId,
            expiration,
            req.dataVersion,
            data
        );
    }
}
