// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC677Receiver} from "./ERC677Receiver.sol";

/// @title LinkToken
/// @notice An ERC-20 token with ERC-677's transferAndCall, shaped like the
/// LINK token that classic Chainlink oracles are paid in. The whole supply
/// goes to the deployer.
contract LinkToken {
    string public constant name = "ChainLink Token";
    string public constant symbol = "LINK";
    uint8 public constant decimals = 18;
    uint256 public constant totalSupply = 10 ** 27;

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice ERC-677's transfer event, emitted by transferAndCall after the
    /// ERC-20 Transfer.
    event Transfer(address indexed from, address indexed to, uint256 value, bytes data);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// @dev LINK refuses transfers to the zero address and to itself, where
    /// tokens would be lost for good.
    modifier validRecipient(address to) {
        require(to != address(0) && to != address(this), "LinkToken: invalid recipient");
        _;
    }

    constructor() {
        balanceOf[msg.sender] = totalSupply;
        emit Transfer(address(0), msg.sender, totalSupply);
    }

    function transfer(address to, uint256 value) external validRecipient(to) returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external validRecipient(to) returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "LinkToken: allowance exceeded");
        if (allowed != type(uint256).max) {
            allowance[from][msg.sender] = allowed - value;
        }
        _move(from, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @notice Moves value to `to` and, when `to` holds code, calls its
    /// onTokenTransfer in the same transaction. A revert in the receiver
    /// undoes the transfer.
    function transferAndCall(address to, uint256 value, bytes calldata data)
        external
        validRecipient(to)
        returns (bool)
    {
        _move(msg.sender, to, value);
        emit Transfer(msg.sender, to, value, data);
        if (to.code.length > 0) {
            ERC677Receiver(to).onTokenTransfer(msg.sender, value, data);
        }
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        uint256 held = balanceOf[from];
        require(held >= value, "LinkToken: balance too low");
        unchecked {
            balanceOf[from] = held - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
