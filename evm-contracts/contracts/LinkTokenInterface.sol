// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title LinkTokenInterface
/// @notice The parts of the LINK token (ERC-20 plus ERC-677) that the Oracle
/// and the consumer client call.
interface LinkTokenInterface {
    function balanceOf(address owner) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function transferAndCall(address to, uint256 value, bytes calldata data) external returns (bool);
}
